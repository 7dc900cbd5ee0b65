/** Preformatted text that may scroll: focusable, so a keyboard can scroll it too. */
import type { HTMLAttributes } from 'react';

export function CodeBlock(props: HTMLAttributes<HTMLPreElement>) {
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
  return <pre tabIndex={0} {...props} />;
}
