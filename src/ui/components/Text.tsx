/**
 * Ink's Text, with every string child made inert first: a container's log line, a service name
 * or an engine's message is shown with its escape sequences as visible symbols (`␛[2J`), never
 * acted on by the terminal. Every UI file takes Text from here (test/architecture.test.ts).
 */
import { Children, type ReactNode } from 'react';
import { Text as InkText, type TextProps } from 'ink';
import { terminalText } from '../../engine/terminal-text.js';

function inert(node: ReactNode): ReactNode {
  return typeof node === 'string' ? terminalText(node, 'block') : node;
}

export function Text({ children, ...props }: TextProps) {
  return <InkText {...props}>{Children.map(children, inert)}</InkText>;
}
