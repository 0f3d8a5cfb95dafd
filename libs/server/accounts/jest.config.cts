module.exports = {
  displayName: 'server-accounts',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/accounts',
};
