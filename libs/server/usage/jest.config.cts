module.exports = {
  displayName: 'server-usage',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/usage',
};
