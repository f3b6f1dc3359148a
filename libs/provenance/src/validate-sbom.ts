// Checks an SBOM's JSON text against the CycloneDX 1.6 schema with the CycloneDX library's strict validator.
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { KilnError } from '@kiln/errors';

// One validator per process: it compiles the 1.6 schema on first use and keeps it.
let validator: Validation.JsonStrictValidator | undefined;

/** Resolves when `text` is a valid CycloneDX 1.6 JSON document; rejects with SBOM_INVALID and the schema errors. */
export async function validateSbom(text: string, file = 'sbom.cdx.json'): Promise<void> {
  validator ??= new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  const errors: unknown = await validator.validate(text);
  if (errors === null) return;
  throw new KilnError('SBOM_INVALID', `${file} is not a valid CycloneDX 1.6 document`, {
    file,
    hint: "this is a bug in Kiln's SBOM writer; report it with the file attached",
    context: { errors: JSON.stringify(errors, null, 2) },
  });
}
