import type { UpdateClauses } from '#core/aws/update-expression.ts';

// The same conditional update as UpdateExpressionBuilder.build(), written as a PartiQL UPDATE, so
// that up to 25 of them go in one BatchExecuteStatement, each succeeding or failing on its own.
// Names are quoted identifiers (many of ours are reserved words) and values are `?` parameters, in
// the order they appear. One difference from UpdateItem: a PartiQL UPDATE never creates an item, so
// it suits updates whose condition already requires the item (a status, attribute_exists(pk)).

export interface PartiqlStatement {
  Statement: string;
  Parameters: unknown[];
}

/** Tokens of the condition syntax our builder writes, and their PartiQL forms. */
const CONDITION_TOKENS = /attribute_(not_)?exists\(([^()]*)\)|\bIN \(([^()]*)\)|#n\d+(?:\.#n\d+)*|:v\d+/g;

export function toPartiqlUpdate(
  tableName: string,
  key: Readonly<Record<string, unknown>>,
  clauses: UpdateClauses,
): PartiqlStatement {
  if (clauses.sets.length === 0 && clauses.removes.length === 0) {
    throw new RangeError('a PartiQL UPDATE needs at least one SET or REMOVE');
  }
  const parameters: unknown[] = [];
  const parameter = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const path = (placeholders: string) =>
    placeholders
      .split('.')
      .map((placeholder) => {
        const name = clauses.names[placeholder];
        if (name === undefined) throw new RangeError(`unknown name placeholder ${placeholder}`);
        return quote(name);
      })
      .join('.');
  const value = (placeholder: string) => {
    if (!(placeholder in clauses.values)) throw new RangeError(`unknown value placeholder ${placeholder}`);
    return parameter(clauses.values[placeholder]);
  };
  const condition = (clause: string): string =>
    clause.replace(CONDITION_TOKENS, (token, not: string | undefined, exists?: string, list?: string) => {
      if (exists !== undefined) return `${path(exists.trim())} IS ${not ? '' : 'NOT '}MISSING`;
      if (list !== undefined) return `IN [${condition(list)}]`;
      return token.startsWith('#') ? path(token) : value(token);
    });

  const parts = [`UPDATE ${quote(tableName)}`];
  for (const set of clauses.sets) {
    const target = path(set.path);
    parts.push(
      set.append
        ? `SET ${target} = list_append(if_not_exists(${target}, ${parameter([])}), ${parameter(set.value)})`
        : `SET ${target} = ${parameter(set.value)}`,
    );
  }
  for (const removed of clauses.removes) parts.push(`REMOVE ${path(removed)}`);
  const where = Object.entries(key).map(([name, keyValue]) => `${quote(name)} = ${parameter(keyValue)}`);
  for (const clause of clauses.conditions) where.push(condition(clause));
  parts.push(`WHERE ${where.join(' AND ')}`);
  return { Statement: parts.join(' '), Parameters: parameters };
}

/** A PartiQL quoted identifier: double quotes, an inner double quote doubled. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
