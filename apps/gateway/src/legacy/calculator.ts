import { ValidationError } from '@gaia/platform';
import { z } from 'zod';

const operand = z.union([z.number(), z.string()]).default(0);

/** Body of the legacy `POST /calculator/add`: two numbers or two strings, each defaulting to 0. */
export const calculatorBody = z.object({ a: operand, b: operand });

/**
 * The legacy calculator: numbers add and two strings concatenate, like Python's `+`; mixing a number
 * and a string is a 422 (the original answered 500).
 * @example add(2, 3) // 5
 */
export function add(a: number | string, b: number | string): number | string {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  throw new ValidationError([
    {
      type: 'type_error',
      loc: ['body', 'b'],
      msg: 'a and b must both be numbers or both be strings',
      input: b,
    },
  ]);
}
