// The ConfigMap that registers a custom TKr: the BoM, base64-encoded, in binaryData (the controller ignores data).
import { tkrNameOf } from './tkr-naming';

export function renderBomConfigMap(bom: string, version: string, namespace: string): string {
  const name = tkrNameOf(version);
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    tanzuKubernetesRelease: ${name}`,
    'binaryData:',
    `  bomContent: "${Buffer.from(bom, 'utf8').toString('base64')}"`,
    '',
  ].join('\n');
}
