module.exports = {
  displayName: 'server-secrets',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/secrets',
};
