import type { ConnectionTestResult } from '@act/contracts';
import type { ApiLocation } from '../http/base-url';
import type { HttpAnswer } from '../http/http-get';

/** What one provider's connection test needs: where to call, how to authenticate, how to read the answer. */
export interface ConnectionProbe {
  kind: 'http';
  /** The provider's name as users know it ("OpenAI"). */
  label: string;
  location: ApiLocation;
  /** False for `custom`: self-hosted OpenAI-compatible servers often run without keys. */
  credentialRequired: boolean;
  /** Shown when no credential is stored: which key to add. */
  missingCredential: string;
  request(context: ProbeContext): ProbeRequest;
  interpret(answer: HttpAnswer, context: ProbeContext): Verdict;
}

/** Providers we cannot test from here (cloud SDK credentials); the message says what to do instead. */
export interface UnsupportedProbe {
  kind: 'unsupported';
  label: string;
  message: string;
}

export interface ProbeContext {
  credential: string | null;
  /** The time the test started; usage endpoints need a window. */
  now: Date;
}

export interface ProbeRequest {
  /** Appended to the API root, e.g. `/organization/costs`. */
  path: string;
  /** Never secrets: the query is shown to users in `endpoint`. */
  query?: ReadonlyArray<readonly [string, string]>;
  headers: Record<string, string>;
}

export interface Verdict {
  result: ConnectionTestResult;
  message: string;
}
