/**
 * A runbook's or run's tasks as a dependency graph: dagre lays them out top to bottom, React Flow
 * draws them (pan and zoom; nodes are links to the task). Loaded on demand: it is the heaviest part.
 * A large graph starts on its first tasks and draws only what is in view (LARGE_GRAPH).
 */
import '@xyflow/react/dist/style.css';
import { layout, Graph } from '@dagrejs/dagre';
import { Background, Controls, type Edge, Handle, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { layeredLayout } from '../../../src/ui/layered-layout.js';
import { TypeIcon } from './type-icon';

export interface GraphTask {
  id: string;
  name: string;
  type: string;
  depends_on: string[];
  status?: string;
}

type TaskNodeData = { task: GraphTask; href?: string; onOpen?: (id: string) => void };

const W = 220;
const H = 56;
/**
 * Over this many tasks the graph opens readable on its first tasks (not zoomed out to fit them all,
 * where nothing can be read) and React Flow draws only the nodes and edges in view: with 1,000 tasks
 * that is a few dozen instead of 1,000 (bench/web.bench.ts).
 */
export const LARGE_GRAPH = 200;

const TaskNode = memo(function TaskNode({ data }: NodeProps<Node<TaskNodeData>>) {
  const t = data.task;
  return (
    <div className={`graph-node${t.status ? ` status-bg-${t.status}` : ''}`} data-task={t.id}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="row">
        <TypeIcon type={t.type} />
        <span className="graph-name">{t.name}</span>
      </div>
      {t.status ? <span className={`status status-${t.status}`}>{t.status}</span> : null}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { task: TaskNode };

export function layoutTasks(tasks: readonly GraphTask[]): Map<string, { x: number; y: number }> {
  // dagre (crossing minimisation) takes most of a second for 1,000 nodes; a large graph gets rows.
  if (tasks.length > LARGE_GRAPH) return layeredLayout(tasks, { width: W, height: H, gapX: 30, gapY: 50 });
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 50 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tasks) g.setNode(t.id, { width: W, height: H });
  for (const t of tasks) for (const d of t.depends_on) if (g.hasNode(d)) g.setEdge(d, t.id);
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const t of tasks) {
    const n = g.node(t.id) as { x: number; y: number };
    out.set(t.id, { x: n.x - W / 2, y: n.y - H / 2 });
  }
  return out;
}

export default function TaskGraph({ tasks, onOpen }: { tasks: readonly GraphTask[]; onOpen?: (id: string) => void }) {
  // Layout depends on the shape only, not on statuses: a status change does not move anything.
  const shape = tasks.map((t) => `${t.id}<${t.depends_on.join(',')}`).join(';');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the shape string stands for the tasks' ids and edges
  const positions = useMemo(() => layoutTasks(tasks), [shape]);
  const nodes: Node<TaskNodeData>[] = tasks.map((t) => ({
    id: t.id,
    type: 'task',
    position: positions.get(t.id) ?? { x: 0, y: 0 },
    data: { task: t, ...(onOpen ? { onOpen } : {}) },
    draggable: false,
    connectable: false,
    ariaLabel: `${t.name}${t.status ? `, ${t.status}` : ''}`,
  }));
  const large = tasks.length > LARGE_GRAPH;
  const roots = tasks.filter((t) => t.depends_on.length === 0);
  const focus = large
    ? { nodes: (roots.length ? roots : tasks).slice(0, 6).map((t) => ({ id: t.id })), maxZoom: 1 }
    : undefined;
  const edges: Edge[] = tasks.flatMap((t) =>
    t.depends_on.map((d) => ({ id: `${d}->${t.id}`, source: d, target: t.id, animated: t.status === 'running' })),
  );
  return (
    <div className="graph" data-testid="task-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={focus ?? { maxZoom: 1 }}
        onlyRenderVisibleElements={large}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_e, n) => onOpen?.(n.id)}
        proOptions={{ hideAttribution: true }}
        minZoom={0.1}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
