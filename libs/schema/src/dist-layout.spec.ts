import { describe, expect, it } from 'vitest';
import { BUNDLES_DIST, clusterDist, DIST_ROOT, imageDist, planDist, PLAN_ROOT, REVIEW_DIST, tkrDist, verifyDist } from './dist-layout';

// The literal paths are the contract: users, CI and scripts read these folders.
describe('the dist/ layout', () => {
  it("names an image's real-run folders under dist/images/<name>/", () => {
    expect(imageDist('ubuntu')).toEqual({
      config: 'dist/images/ubuntu/config',
      build: 'dist/images/ubuntu/build',
      output: 'dist/images/ubuntu/output',
      upload: 'dist/images/ubuntu/upload',
      logs: 'dist/images/ubuntu/logs',
    });
  });

  it("names a TKr's BoM folder dist/tkrs/<name> and its apply record folder dist/applied/tkrs/<name>", () => {
    expect(tkrDist('custom')).toEqual({ bom: 'dist/tkrs/custom', applied: 'dist/applied/tkrs/custom' });
  });

  it("names a cluster's config folder dist/clusters/<name>", () => {
    expect(clusterDist('workload')).toEqual({ config: 'dist/clusters/workload' });
  });

  it('puts every plan under dist/plan/<kind>/<project>/<target>, render-config under .../config', () => {
    expect([
      planDist('render-config', 'u'),
      planDist('pull-bundle', 'u'),
      planDist('build', 'u'),
      planDist('upload', 'u'),
      planDist('gen-bom', 't'),
      planDist('apply-tkr', 't'),
      planDist('gen-cluster-config', 'c'),
    ]).toEqual([
      'dist/plan/images/u/config',
      'dist/plan/images/u/pull-bundle',
      'dist/plan/images/u/build',
      'dist/plan/images/u/upload',
      'dist/plan/tkrs/t/gen-bom',
      'dist/plan/tkrs/t/apply-tkr',
      'dist/plan/clusters/c/gen-cluster-config',
    ]);
  });

  it("names every project's verify folder dist/verify/<kind>/<name>", () => {
    expect([verifyDist('images', 'u'), verifyDist('tkrs', 't'), verifyDist('clusters', 'c')]).toEqual([
      'dist/verify/images/u',
      'dist/verify/tkrs/t',
      'dist/verify/clusters/c',
    ]);
  });

  it("puts verify's plan under dist/plan/<kind>/<project>/verify, for every kind of project", () => {
    expect([planDist('verify', 'u', 'images'), planDist('verify', 't', 'tkrs'), planDist('verify', 'c', 'clusters')]).toEqual([
      'dist/plan/images/u/verify',
      'dist/plan/tkrs/t/verify',
      'dist/plan/clusters/c/verify',
    ]);
  });

  it('names the roots, the bundle endpoints folder and the review folders', () => {
    expect([DIST_ROOT, PLAN_ROOT, BUNDLES_DIST, REVIEW_DIST]).toEqual([
      'dist',
      'dist/plan',
      'dist/bundles',
      { report: 'dist/review', renders: 'dist/plan/kiln-review' },
    ]);
  });
});
