module.exports = {
  displayName: 'server-projections',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/projections',
};
