module.exports = {
  displayName: 'server-identity',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/identity',
};
