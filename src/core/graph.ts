/**
 * The task graph: tasks and their `depends_on` edges. Pure functions over plain data; unknown
 * dependencies are ignored here (validation reports them). Iterative, so 10,000-task chains
 * do not overflow the stack.
 */

/** The minimum a graph needs of a task. */
export interface GraphNode {
  id: string;
  depends_on: readonly string[];
}

export interface TaskGraph {
  /** Ids in declaration order. */
  ids: string[];
  /** Direct dependencies of each task (known ids only, de-duplicated). */
  deps: ReadonlyMap<string, readonly string[]>;
  /** Direct dependents of each task, in declaration order. */
  dependents: ReadonlyMap<string, readonly string[]>;
}

export function buildGraph(nodes: readonly GraphNode[]): TaskGraph {
  const ids: string[] = [];
  const deps = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    if (deps.has(n.id)) continue; // duplicate ids: the first wins; validation reports the rest
    ids.push(n.id);
    deps.set(n.id, []);
    dependents.set(n.id, []);
  }
  for (const n of nodes) {
    const own = deps.get(n.id) as string[];
    if (own.length > 0) continue; // a duplicate's edges were already taken from the first
    for (const d of n.depends_on) {
      if (!deps.has(d) || own.includes(d)) continue;
      own.push(d);
      (dependents.get(d) as string[]).push(n.id);
    }
  }
  return { ids, deps, dependents };
}

/**
 * Topological order (dependencies first; ties kept in declaration order), or the tasks left over
 * when there is a cycle.
 */
export function topoOrder(g: TaskGraph): { order: string[]; blocked: string[] } {
  const remaining = new Map<string, number>();
  for (const id of g.ids) remaining.set(id, (g.deps.get(id) ?? []).length);
  const queue = g.ids.filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    order.push(id);
    for (const d of g.dependents.get(id) ?? []) {
      const left = (remaining.get(d) as number) - 1;
      remaining.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  const done = new Set(order);
  return { order, blocked: g.ids.filter((id) => !done.has(id)) };
}

/**
 * Dependency cycles, each as a path that starts and ends on the same task, following `depends_on`
 * (`['a','b','c','a']`: a depends on b, b on c, c on a). Each task appears in at most one reported
 * cycle; each cycle starts at its earliest-declared task.
 */
export function findCycles(g: TaskGraph): string[][] {
  const { blocked } = topoOrder(g);
  if (blocked.length === 0) return [];
  const position = new Map(g.ids.map((id, i) => [id, i] as const));
  const inCycle = new Set<string>();
  const visited = new Set<string>();
  const cycles: string[][] = [];
  for (const start of blocked) {
    if (visited.has(start)) continue;
    // Iterative DFS with an explicit path, so a back edge gives the cycle directly.
    const path: string[] = [start];
    const onPath = new Map<string, number>([[start, 0]]);
    const next: number[] = [0];
    visited.add(start);
    while (path.length > 0) {
      const top = path[path.length - 1] as string;
      const deps = g.deps.get(top) ?? [];
      const i = next[next.length - 1] as number;
      if (i >= deps.length) {
        path.pop();
        next.pop();
        onPath.delete(top);
        continue;
      }
      next[next.length - 1] = i + 1;
      const d = deps[i] as string;
      const at = onPath.get(d);
      if (at !== undefined) {
        const cycle = path.slice(at);
        if (!cycle.some((id) => inCycle.has(id))) {
          for (const id of cycle) inCycle.add(id);
          // Rotate to begin at the earliest-declared task, so the report is stable.
          let first = 0;
          cycle.forEach((id, k) => {
            if ((position.get(id) as number) < (position.get(cycle[first] as string) as number)) first = k;
          });
          const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
          cycles.push([...rotated, rotated[0] as string]);
        }
        continue;
      }
      if (visited.has(d)) continue;
      visited.add(d);
      onPath.set(d, path.length);
      path.push(d);
      next.push(0);
    }
  }
  return cycles.sort((a, b) => (position.get(a[0] as string) as number) - (position.get(b[0] as string) as number));
}

/** Every task that must finish before `id` starts (transitive dependencies). */
export function ancestors(g: TaskGraph, id: string): Set<string> {
  return reach(id, g.deps);
}

/** Every task that waits on `id`, directly or transitively. */
export function descendants(g: TaskGraph, id: string): Set<string> {
  return reach(id, g.dependents);
}

/** Direct dependents of `id` (tasks whose depends_on names it). */
export function dependents(g: TaskGraph, id: string): readonly string[] {
  return g.dependents.get(id) ?? [];
}

function reach(id: string, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(id) ?? [])];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const n of edges.get(cur) ?? []) if (!seen.has(n)) stack.push(n);
  }
  return seen;
}
