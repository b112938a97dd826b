// Personal PIN rules (B19): 4-8 digits and none of those anyone would try first (one digit repeated, a run up or
// down such as 1234 or 9876, a repeated group such as 1212). A PIN only ever works on a trusted register, after the
// day's full sign-in there, with 5 tries, so no stronger rules are needed.
export const PIN_SHAPE = /^\d{4,8}$/;

export type PinProblem = 'pin_shape' | 'pin_trivial' | 'pin_mismatch';

function trivial(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - (digits[i] ?? 0) + 10) % 10));
  // 0000, 1234, 9876, 8901 (runs wrap around)
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) return true;
  // 1212, 123123, 2580-like pairs repeated
  for (const size of [2, 3, 4]) {
    if (pin.length % size === 0 && pin.length > size && pin === pin.slice(0, size).repeat(pin.length / size)) return true;
  }
  return false;
}

/** Why this PIN cannot be set, or undefined when it can. */
export function pinProblem(pin: string, repeat: string): PinProblem | undefined {
  if (!PIN_SHAPE.test(pin)) return 'pin_shape';
  if (trivial(pin)) return 'pin_trivial';
  if (pin !== repeat) return 'pin_mismatch';
  return undefined;
}
