// How `nx release version` reads and writes the versions of our npm packages: their package.json files, and the
// ranges in which they name each other. Nx's own implementation lives in @nx/js, whose releases stop at Nx 23 and
// would bring a second Nx beside our 24 (shared/TOOLCHAIN.md), so this is the small part of it we need.
const { VersionActions } = require('nx/release');

const COLLECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

class PackageJsonVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = `${this.projectGraphNode.data.root}/package.json`;
    return { currentVersion: readJson(tree, manifestPath).version, manifestPath };
  }

  // Versions come from the manifests and the git tags; the registry is never asked.
  async readCurrentVersionFromRegistry() {
    return null;
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = readJson(tree, `${this.projectGraphNode.data.root}/package.json`);
    const name = packageName(projectGraph, dependencyProjectName);
    for (const collection of COLLECTIONS) {
      const range = manifest[collection]?.[name];
      if (range !== undefined) return { currentVersion: range, dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    return this.manifestsToUpdate.map(({ manifestPath }) => {
      updateJson(tree, manifestPath, (manifest) => ({ ...manifest, version: newVersion }));
      return `✍️  New version ${newVersion} written to manifest: ${manifestPath}`;
    });
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const updates = Object.entries(dependenciesToUpdate).map(([project, version]) => [packageName(projectGraph, project), version]);
    if (updates.length === 0) return [];
    return this.manifestsToUpdate.map(({ manifestPath }) => {
      updateJson(tree, manifestPath, (manifest) => {
        for (const collection of COLLECTIONS) {
          for (const [name, version] of updates) {
            // Keep the range's operator (`^0.1.0` becomes `^0.2.0`): published packages name each other with carets.
            const range = manifest[collection]?.[name];
            if (range !== undefined) manifest[collection][name] = `${/^[\^~]/.exec(range)?.[0] ?? ''}${version}`;
          }
        }
        return manifest;
      });
      return `✍️  Updated ${updates.length} dependenc${updates.length === 1 ? 'y' : 'ies'} in manifest: ${manifestPath}`;
    });
  }
}

function packageName(projectGraph, project) {
  return projectGraph.nodes[project]?.data.metadata?.js?.packageName ?? project;
}

function readJson(tree, path) {
  return JSON.parse(tree.read(path, 'utf-8'));
}

function updateJson(tree, path, update) {
  tree.write(path, `${JSON.stringify(update(readJson(tree, path)), null, 2)}\n`);
}

module.exports = PackageJsonVersionActions;
