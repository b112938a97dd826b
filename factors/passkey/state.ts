// The passkey factor's slice of Security & ID state: a registration under way, after its name and the password.
import { z } from 'zod';

export const passkeyAccountSlice = z.object({
  name: z.string(),
  // the password was entered for this registration (the binding rule asks; a failed registration asks again)
  passwordProved: z.boolean(),
});
export type PasskeyAccountSlice = z.infer<typeof passkeyAccountSlice>;
