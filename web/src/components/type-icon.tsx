/**
 * A task type's icon with its accessible name: the Slack logo for `slack.message` (named "Slack",
 * as the seed says a Slack task is identified by it), simple glyphs for the others.
 */
const NAMES: Record<string, string> = {
  'slack.message': 'Slack',
  milestone: 'Milestone',
  manual: 'Manual task',
  wait: 'Wait',
  http: 'HTTP request',
};

export function typeName(type: string): string {
  return NAMES[type] ?? type;
}

export function TypeIcon({ type }: { type: string }) {
  const name = typeName(type);
  if (type === 'slack.message') {
    return (
      <svg className="type-icon" viewBox="0 0 54 54" role="img" aria-label={name} data-type={type}>
        <title>{name}</title>
        <path
          fill="#E01E5A"
          d="M19.7 34.1a5.4 5.4 0 1 1-5.4-5.4h5.4v5.4zm2.7 0a5.4 5.4 0 1 1 10.8 0v13.5a5.4 5.4 0 1 1-10.8 0V34.1z"
        />
        <path
          fill="#36C5F0"
          d="M27.8 19.7a5.4 5.4 0 1 1 5.4-5.4v5.4h-5.4zm0 2.7a5.4 5.4 0 1 1 0 10.8H14.3a5.4 5.4 0 1 1 0-10.8h13.5z"
        />
        <path
          fill="#2EB67D"
          d="M42.2 27.8a5.4 5.4 0 1 1 5.4 5.4h-5.4v-5.4zm-2.7 0a5.4 5.4 0 1 1-10.8 0V14.3a5.4 5.4 0 1 1 10.8 0v13.5z"
        />
        <path
          fill="#ECB22E"
          d="M34.1 42.2a5.4 5.4 0 1 1-5.4 5.4v-5.4h5.4zm0-2.7a5.4 5.4 0 1 1 0-10.8h13.5a5.4 5.4 0 1 1 0 10.8H34.1z"
        />
      </svg>
    );
  }
  const glyph: Record<string, string> = {
    milestone: 'M5 3v18M5 4h11l-2 4 2 4H5',
    manual: 'M12 3a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 21c0-4 4-7 8-7s8 3 8 7',
    wait: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 7v5l3 3',
    http: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18',
  };
  return (
    <svg className="type-icon" viewBox="0 0 24 24" role="img" aria-label={name} data-type={type}>
      <title>{name}</title>
      <path d={glyph[type] ?? 'M4 4h16v16H4z'} fill="none" stroke="#444b57" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
