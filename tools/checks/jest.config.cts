module.exports = {
  displayName: 'workspace-checks',
  preset: '../../jest.node.preset.js',
};
