/** What the RTC plugin passes to `rtc_encryption_provider`. */
export interface ProviderRequest {
  readonly documentId: string;
  /** `null` asks for a new key (the moment to rotate); a string asks for the key issued under that hint. */
  readonly keyHint: string | null;
}

/** What `rtc_encryption_provider` resolves to. A missing `keyHint` is recorded as the empty string. */
export interface ProviderAnswer {
  readonly key: string;
  readonly keyHint?: string;
}

/** An `rtc_encryption_provider`: any thenable is accepted as its return value. */
export type EncryptionProvider = (request: ProviderRequest) => PromiseLike<ProviderAnswer>;

/**
 * The backend shared by every simulated browser (what a real provider reaches over HTTP). Every operation is
 * its own scheduled event with a seeded latency, and applies atomically when it completes.
 */
export interface KeyStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Writes only when the key is absent; resolves to true when it wrote. */
  setIfAbsent(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** The simulated browser a provider instance lives in: one per client. */
export interface ProviderEnv {
  readonly clientId: string;
  /** This client's wall clock in ms since the epoch (simulated). */
  now(): number;
  /** A seeded float in [0, 1). */
  random(): number;
  /** `length` seeded random bytes. */
  randomBytes(length: number): Uint8Array;
  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void>;
  readonly keyStore: KeyStore;
}

/** The first module form: a factory called once per simulated client with that client's env. */
export type CreateProvider = (env: ProviderEnv) => EncryptionProvider;

/** What a provider module may export: `createProvider(env)`, or a default `rtc_encryption_provider`. */
export interface ProviderModule {
  readonly createProvider?: CreateProvider;
  readonly default?: EncryptionProvider;
}
