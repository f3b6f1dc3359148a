// OpenAPI documents of the Kubernetes test API server: v3 (JSON, per group-version) and v2 (the protobuf
// encoding of gnostic's openapi_v2.Document that kubectl asks for), each with one PATCH operation per kind.

import { boolField, field, message } from './kube-protobuf';

export interface OpenApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  group: string;
  version: string;
}

/** The query parameters of PATCH; servers older than 1.25 have no fieldValidation (kubectl then validates client-side). */
function patchParams(fieldValidation: boolean): string[] {
  return ['dryRun', 'fieldManager', ...(fieldValidation ? ['fieldValidation'] : []), 'force'];
}

function resourcePath(prefix: string, r: OpenApiResource): string {
  return r.namespaced ? `${prefix}/namespaces/{namespace}/${r.name}/{name}` : `${prefix}/${r.name}/{name}`;
}

/** OpenAPI v3 for one group-version. */
export function openApiV3(prefix: string, resources: OpenApiResource[], serverVersion: string): object {
  const paths: Record<string, object> = {};
  for (const r of resources) {
    paths[resourcePath(prefix, r)] = {
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: patchParams(true).map((name) => ({
          name,
          in: 'query',
          schema: name === 'force' ? { type: 'boolean', uniqueItems: true } : { type: 'string', uniqueItems: true },
        })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: serverVersion }, paths, components: { schemas: {} } };
}

/**
 * OpenAPI v2 as protobuf (openapi_v2.Document: swagger=1, info=2, paths=8; Paths.path=2; NamedPathItem name=1
 * value=2; PathItem.patch=8; Operation operation_id=5, parameters=8, vendor_extension=13; ParametersItem.parameter=1;
 * Parameter.non_body_parameter=2; NonBodyParameter.query_parameter_sub_schema=3; QueryParameterSubSchema required=1
 * in=2 name=4 type=6 unique_items=20; NamedAny name=1 value=2; Any.yaml=2; Info title=1 version=2).
 */
export function openApiV2Protobuf(
  resources: { prefix: string; resource: OpenApiResource }[],
  serverVersion: string,
  fieldValidation: boolean,
): Buffer {
  const paths = resources.map(({ prefix, resource: r }) => {
    const params = patchParams(fieldValidation).map((name) => {
      const query = message(field(2, 'query'), field(4, name), field(6, name === 'force' ? 'boolean' : 'string'), boolField(20, true));
      // ParametersItem.parameter → Parameter.non_body_parameter → NonBodyParameter.query_parameter_sub_schema
      return field(8, message(field(1, message(field(2, message(field(3, query)))))));
    });
    const gvk = `group: "${r.group}"\nkind: ${r.kind}\nversion: ${r.version}\n`;
    const operation = message(
      field(5, `patch${r.kind}`),
      ...params,
      field(13, message(field(1, 'x-kubernetes-group-version-kind'), field(2, message(field(2, gvk))))),
    );
    return field(2, message(field(1, resourcePath(prefix, r)), field(2, message(field(8, operation)))));
  });
  return message(field(1, '2.0'), field(2, message(field(1, 'Kubernetes'), field(2, serverVersion))), field(8, message(...paths)));
}
