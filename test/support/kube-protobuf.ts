// The protobuf wire format, as much of it as the Kubernetes test API server needs: writing OpenAPI v2 and reading
// the k8s protobuf envelope kubectl sends for built-in types (e.g. a SelfSubjectAccessReview).

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A length-delimited field (wire type 2): a string or an embedded message. */
export function field(number: number, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([Buffer.from(varint((number << 3) | 2)), Buffer.from(varint(bytes.length)), bytes]);
}

/** A bool field (wire type 0). */
export function boolField(number: number, value: boolean): Buffer {
  return Buffer.from([...varint(number << 3), value ? 1 : 0]);
}

export const message = (...fields: Buffer[]) => Buffer.concat(fields);

/** The fields of one message: field number → every value (varints as numbers, length-delimited as bytes). */
export function readMessage(buf: Buffer): Map<number, (number | Buffer)[]> {
  const fields = new Map<number, (number | Buffer)[]>();
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const number = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: number | Buffer;
    if (wire === 0) value = readVarint();
    else if (wire === 2) {
      const length = readVarint();
      value = buf.subarray(i, i + length);
      i += length;
    } else if (wire === 1) {
      value = buf.subarray(i, i + 8);
      i += 8;
    } else if (wire === 5) {
      value = buf.subarray(i, i + 4);
      i += 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    fields.set(number, [...(fields.get(number) ?? []), value]);
  }
  return fields;
}

/** A string field of a message read by readMessage ('' when absent). */
export function stringOf(fields: Map<number, (number | Buffer)[]>, number: number): string {
  const v = fields.get(number)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : '';
}

/** An embedded message field. */
export function messageOf(fields: Map<number, (number | Buffer)[]>, number: number): Map<number, (number | Buffer)[]> {
  const v = fields.get(number)?.[0];
  return Buffer.isBuffer(v) ? readMessage(v) : new Map();
}

const K8S_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The raw object inside the k8s protobuf envelope ("k8s\0" + runtime.Unknown{typeMeta=1, raw=2}). */
export function unwrapK8sProtobuf(body: Buffer): Map<number, (number | Buffer)[]> {
  if (!body.subarray(0, 4).equals(K8S_MAGIC)) throw new Error('not a k8s protobuf envelope');
  return messageOf(readMessage(body.subarray(4)), 2);
}
