// instrument.js — which items of a screening instrument apply, evaluated exactly like
// src/core/instrument_score.c: three-valued conditions (true, false, unknown); an item
// shows only when its section's and its own condition are true; an answer to an item
// that does not show is dropped. Pure functions, no DOM: the screening page uses them.

export const T = 1, F = 0, U = 2;

const OPS = ['eq', 'ne', 'in', 'lt', 'le', 'gt', 'ge', 'has'];
const opOf = (c) => OPS.find((o) => Object.prototype.hasOwnProperty.call(c, o));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function compare(value, op, operand) {
  if (op === 'in') return operand.some((x) => same(x, value));
  if (op === 'has') return Array.isArray(value) && value.some((x) => same(x, operand));
  if (typeof value === 'number') {
    switch (op) {
      case 'eq': return value === operand;
      case 'ne': return value !== operand;
      case 'lt': return value < operand;
      case 'le': return value <= operand;
      case 'gt': return value > operand;
      default: return value >= operand;
    }
  }
  return op === 'eq' ? same(value, operand) : !same(value, operand);
}

const answered = (v) => v !== undefined && v !== null;

function countGroup(ctx, group) {
  let known = 0, open = 0;
  ctx.def.items.forEach((it, i) => {
    if (it.group !== group) return;
    if (ctx.indic[i] === T) known++;
    if (ctx.indic[i] === U) open++;
  });
  return { known, open };
}

function evalItemCond(ctx, cond) {
  const names = Array.isArray(cond.item) ? cond.item : [cond.item];
  let pending = false;
  for (const name of names) {
    const i = ctx.index[name];
    if (ctx.applies[i] === F) continue;
    const v = ctx.values[i];
    if (!answered(v)) { pending = true; continue; }
    if ('answered' in cond) return cond.answered === true ? T : F;
    const op = opOf(cond);
    return compare(v, op, cond[op]) ? T : F;
  }
  if ('answered' in cond) return cond.answered === true ? F : T;
  return pending ? U : F;
}

export function evalCond(ctx, cond) {
  if (!cond) return T;
  if (cond.all || cond.any) {
    const all = !!cond.all;
    let acc = all ? T : F;
    for (const c of cond.all || cond.any) {
      const t = evalCond(ctx, c);
      if (t === (all ? F : T)) return t;
      if (t === U) acc = U;
    }
    return acc;
  }
  if (cond.not) {
    const t = evalCond(ctx, cond.not);
    return t === U ? U : (t === F ? T : F);
  }
  if (cond.count !== undefined) {
    const { known, open } = countGroup(ctx, cond.count);
    const op = opOf(cond);
    let someT = false, someF = false;
    for (let n = known; n <= known + open; n++) {
      if (compare(n, op, cond[op])) someT = true; else someF = true;
    }
    return someT && someF ? U : (someT ? T : F);
  }
  if (cond.indicator !== undefined) return ctx.indic[ctx.index[cond.indicator]];
  if (cond.suggested !== undefined) return U; // only in results; never in applies_when
  return evalItemCond(ctx, cond);
}

const and3 = (a, b) => (a === F || b === F ? F : (a === T && b === T ? T : U));

// Works out in item order which items apply. Returns {applies: {id: T|F|U}, answers}:
// answers holds only the answers of items that apply (true); the others are dropped,
// because the server refuses an answer to an item that does not (or may not) apply.
export function settle(def, input) {
  const items = def.items;
  const sections = {};
  (def.sections || []).forEach((s) => { sections[s.id] = s; });
  const ctx = { def, index: {}, values: [], applies: [], indic: [] };
  items.forEach((it, i) => { ctx.index[it.id] = i; });
  const answers = {};
  const applies = {};
  items.forEach((it, i) => {
    const sec = it.section && sections[it.section] ? evalCond(ctx, sections[it.section].applies_when) : T;
    const a = and3(sec, evalCond(ctx, it.applies_when));
    ctx.applies[i] = a;
    applies[it.id] = a;
    const v = a === T ? input[it.id] : undefined;
    ctx.values[i] = answered(v) ? v : undefined;
    if (answered(v)) answers[it.id] = v;
    if (!it.indicator || a === F) ctx.indic[i] = F;
    else if (!answered(v)) ctx.indic[i] = U;
    else {
      const op = opOf(it.indicator);
      ctx.indic[i] = compare(v, op, it.indicator[op]) ? T : F;
    }
  });
  return { applies, answers };
}
