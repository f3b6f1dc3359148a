import { describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { projectNameClashes, projectNameOf } from './project-name-clash';

describe('projectNameClashes', () => {
  it('finds nothing when every folder name is used once', () => {
    expect(projectNameClashes(['images/a/image.yaml', 'tkrs/b/tkr.yaml', 'clusters/c/cluster.yaml'])).toEqual([]);
  });

  it('reports each clashing name once, naming every file, in a stable order', () => {
    const errors = projectNameClashes([
      'images/x/image.yaml',
      'clusters/x/cluster.yaml',
      'tkrs/y/tkr.yaml',
      'images/y/image.yaml',
      'tkrs/x/tkr.yaml',
    ]);
    expect(errors.map(formatError)).toEqual([
      'images/x/image.yaml: project name "x" is used by clusters/x/cluster.yaml and images/x/image.yaml and tkrs/x/tkr.yaml; names must be unique across images/, tkrs/ and clusters/\n' +
        '  hint: rename one of the folders (e.g. images/x-image) and update the tkr.yaml/cluster.yaml files that refer to it',
      'tkrs/y/tkr.yaml: project name "y" is used by images/y/image.yaml and tkrs/y/tkr.yaml; names must be unique across images/, tkrs/ and clusters/\n' +
        '  hint: rename one of the folders (e.g. tkrs/y-tkr) and update the tkr.yaml/cluster.yaml files that refer to it',
    ]);
    expect(errors.map((e) => e.code)).toEqual(['PROJECT_NAME_CLASH', 'PROJECT_NAME_CLASH']);
  });

  it('ignores paths that are not project spec files', () => {
    expect(projectNameOf('images/_bundles/x/tkg.json')).toBeUndefined();
    expect(projectNameOf('images/a/image.yaml')).toBe('a');
    expect(projectNameClashes(['images/a/image.yaml', 'images/a/notes.yaml'])).toEqual([]);
  });
});
