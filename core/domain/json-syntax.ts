// Where a JSON text fails to parse, without its content: JSON.parse's own message quotes the text
// around the fault ("Unexpected token 'T', ..."password": Tr0ub4dor"..."), which for a config file
// or a secret may be a password. Only the position it names is kept, as a line and column.

/** " at line L, column C" when the parser named a position, else "". */
export function jsonSyntaxWhere(error: unknown, text: string): string {
  const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}
