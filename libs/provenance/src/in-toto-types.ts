// Shapes of an in-toto Statement v1 carrying a SLSA Provenance v1 predicate (only the fields Kiln writes).

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';

/** Algorithm name → lowercase hex digest (in-toto DigestSet; e.g. `sha256`, `gitCommit`). */
export type DigestSet = Record<string, string>;

/** in-toto ResourceDescriptor: at least one of uri, digest (and here always a name). */
export interface ResourceDescriptor {
  name: string;
  uri?: string;
  digest: DigestSet;
  annotations?: Record<string, unknown>;
}

export interface Subject {
  name: string;
  digest: DigestSet;
}

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters: Record<string, unknown>;
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version: Record<string, string> };
    metadata: { invocationId: string; startedOn: string; finishedOn: string };
  };
}

export interface ProvenanceStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: Subject[];
  predicateType: typeof SLSA_PROVENANCE_TYPE;
  predicate: SlsaProvenance;
}
