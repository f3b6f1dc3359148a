// Reads a server-side apply conflict out of kubectl's error ("Apply failed with N conflict(s): conflict with
// "manager" using v1: .path", or one "conflicts with "manager":" block per manager with "- .path" lines).

export interface FieldOwner {
  /** The field manager, e.g. kubectl-client-side-apply. */
  manager: string;
  /** The conflicting fields it owns, as the API server prints them (e.g. .binaryData.bomContent). */
  fields: string[];
}

/** What a well-known field manager is, for the message. */
const KNOWN_MANAGERS: Record<string, string> = {
  'kubectl-client-side-apply': 'a client-side kubectl apply -f, as in the manual guide',
  kubectl: 'kubectl apply --server-side without --field-manager',
  'kubectl-edit': 'kubectl edit',
  'kubectl-patch': 'kubectl patch',
  'kubectl-create': 'kubectl create',
  'kubectl-replace': 'kubectl replace',
  'kubectl-label': 'kubectl label',
  'kubectl-annotate': 'kubectl annotate',
};

export function describeManager(manager: string): string {
  const known = KNOWN_MANAGERS[manager];
  return known ? `"${manager}" (${known})` : `"${manager}"`;
}

/** The owners of the conflicting fields, or undefined when the output is not an apply conflict. */
export function parseApplyConflict(stderr: string): FieldOwner[] | undefined {
  if (!/Apply failed with \d+ conflicts?:/.test(stderr)) return undefined;
  const owners = new Map<string, string[]>();
  const add = (manager: string, field: string) => owners.set(manager, [...(owners.get(manager) ?? []), field]);
  let current: string | undefined;
  for (const line of stderr.split('\n')) {
    const single = /conflict with "((?:[^"\\]|\\.)*)"[^:]*: (\.\S+)\s*$/.exec(line);
    if (single) {
      add(single[1]!, single[2]!);
      continue;
    }
    const header = /conflicts with "((?:[^"\\]|\\.)*)"[^:]*:\s*$/.exec(line);
    if (header) {
      current = header[1]!;
      continue;
    }
    const item = /^- (\.\S+)\s*$/.exec(line.trim());
    if (item && current) add(current, item[1]!);
  }
  return [...owners.entries()].map(([manager, fields]) => ({ manager, fields }));
}
