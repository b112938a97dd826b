// Flow state (persisted per interaction) and the facts the runner derives fresh from the database on every request.
import type { Role } from '../models/user.js';

export interface FlowState {
  uid: string;
  csrf: string;
  locale: 'en' | 'nl';
  clientId: string;
  native: boolean;
  // the client or the request demands an MFA-asserted login (require_mfa, acr_values, essential acr)
  mfaDemanded: boolean;
  // a signed-in user only needs the second factor (step-up), not the password again
  stepUp: boolean;
  storeId?: string;
  storePrefix?: string;
  userId?: string;
  username?: string;
  passwordVerified?: boolean;
  breach?: { count: number; resolved: boolean };
  secondFactor?: 'otp' | 'recovery';
  recoveryMode?: boolean;
  switchingUser?: boolean;
  failureNotified?: boolean;
  enrol?: {
    stage: 'begin' | 'password' | 'scan' | 'code' | 'codes';
    secretSealed?: string;
    codesSealed?: string;
    done?: boolean;
  };
}

export interface FlowFacts {
  store?: { id: string; prefix: string; name: string };
  user?: {
    id: string;
    username: string;
    name: string;
    role: Role;
    mfaEnabled: boolean;
    mustEnrol: boolean;
    mustChangePassword: boolean;
    mfaRequired: boolean;
  };
  deviceRemembered: boolean;
  rememberAllowed: boolean;
  rememberDays: number;
}
