module.exports = {
  displayName: 'server-platform',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/platform',
};
