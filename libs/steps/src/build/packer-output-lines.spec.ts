// packer's UI prefixes come off once, so provisioner output (goss reports, Ansible results) reads as printed.
import { describe, expect, it } from 'vitest';
import { builderMessageLines } from './packer-output-lines';

describe('builderMessageLines', () => {
  it('removes the prefix of each builder named in a ==> line, keeping the indentation after it', () => {
    const lines = [
      '==> vsphere-iso: Running goss tests...',
      '    vsphere-iso: Expected',
      '    vsphere-iso:     <bool>: false',
      '    vsphere-iso:',
    ];
    expect(builderMessageLines(lines)).toEqual(['Running goss tests...', 'Expected', '    <bool>: false', '']);
  });

  it("blanks the lines no builder printed (make, packer's own summary, stderr interleaved), keeping the indices", () => {
    const lines = [
      '==> amazon-ebs: Connected to SSH!',
      '    amazon-ebs: {',
      "ERROR: Build 'amazon-ebs' errored: goss validate failed",
      '    amazon-ebs: }',
      'make: *** [Makefile:480: build-ami-ubuntu-2004] Error 1',
      '==> Wait completed after 9 minutes 40 seconds',
    ];
    expect(builderMessageLines(lines)).toEqual(['Connected to SSH!', '{', '', '}', '', '']);
  });

  it('keeps every line, colour codes removed, when no builder prefix was seen', () => {
    expect(builderMessageLines(['    vsphere-iso: TASK [x]', '\x1b[0;31mfatal: [default]: FAILED!\x1b[0m'])).toEqual([
      '    vsphere-iso: TASK [x]',
      'fatal: [default]: FAILED!',
    ]);
  });
});
