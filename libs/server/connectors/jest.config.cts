module.exports = {
  displayName: 'server-connectors',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/connectors',
};
