module.exports = {
  displayName: 'server-sync',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/sync',
};
