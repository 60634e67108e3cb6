import { describe, expect, it } from 'vitest';
import { toPartiqlUpdate } from '#core/aws/partiql-update.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

const key = { pk: 'MSG#m1' };

describe('toPartiqlUpdate', () => {
  it('when an update sets, appends and removes, then each becomes its own clause with ? parameters in order', () => {
    // Prepare
    const update = new UpdateExpressionBuilder()
      .set('status', 'submitted')
      .append('history', [{ status: 'submitted' }])
      .remove('attention');
    // Act
    const statement = toPartiqlUpdate('t-messages', key, update.clauses());
    // Assess
    expect(statement).toEqual({
      Statement:
        'UPDATE "t-messages" SET "status" = ? SET "history" = list_append(if_not_exists("history", ?), ?) REMOVE "attention" WHERE "pk" = ?',
      Parameters: ['submitted', [], [{ status: 'submitted' }], 'MSG#m1'],
    });
  });

  it('when conditions use attribute_exists, IN, size, begins_with and OR, then they are written in PartiQL', () => {
    // Prepare
    const update = new UpdateExpressionBuilder().set('updatedAt', 'now');
    update.condition(`attribute_exists(${update.name('pk')})`).conditionIn('status', ['accepted', 'unknown']);
    const claimedBy = update.name('claimedBy');
    update.condition(
      `attribute_not_exists(${claimedBy}) OR begins_with(${claimedBy}, ${update.value('q#')}) OR size(${update.name('smscIds')}) = ${update.value(1)}`,
    );
    // Act
    const statement = toPartiqlUpdate('t', key, update.clauses());
    // Assess
    expect(statement.Statement).toBe(
      'UPDATE "t" SET "updatedAt" = ? WHERE "pk" = ? AND ("pk" IS NOT MISSING) AND ("status" IN [?, ?]) AND ("claimedBy" IS MISSING OR begins_with("claimedBy", ?) OR size("smscIds") = ?)',
    );
    expect(statement.Parameters).toEqual(['now', 'MSG#m1', 'accepted', 'unknown', 'q#', 1]);
  });

  it('when a path is nested, then each part is quoted, digits and quotes included', () => {
    // Prepare
    const update = new UpdateExpressionBuilder().set(['partOutcomes', '12345', 'read'], true).set('a"b', 1);
    // Act
    const statement = toPartiqlUpdate('t', key, update.clauses());
    // Assess
    expect(statement.Statement).toBe(
      'UPDATE "t" SET "partOutcomes"."12345"."read" = ? SET "a""b" = ? WHERE "pk" = ?',
    );
  });

  it('when the update changes nothing, then it is refused rather than sent', () => {
    // Prepare
    const update = new UpdateExpressionBuilder();
    update.condition(`attribute_exists(${update.name('pk')})`);
    // Act / Assess
    expect(() => toPartiqlUpdate('t', key, update.clauses())).toThrow(RangeError);
  });

  it('when a condition names a placeholder the builder never made, then it is refused', () => {
    // Prepare
    const update = new UpdateExpressionBuilder().set('a', 1).condition('#n9 = :v7');
    // Act / Assess
    expect(() => toPartiqlUpdate('t', key, update.clauses())).toThrow('unknown name placeholder #n9');
  });
});
