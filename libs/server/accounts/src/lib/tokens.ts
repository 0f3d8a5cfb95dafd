export const CREDENTIAL_VAULT = Symbol('CredentialVault');
/** Runs a provider connection test; replaceable so the api can be pointed at test servers. */
export const CONNECTION_TESTER = Symbol('ConnectionTester');
