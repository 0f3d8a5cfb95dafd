module.exports = {
  displayName: 'server-database',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/database',
};
