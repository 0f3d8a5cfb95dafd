module.exports = {
  displayName: 'server-backup',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/backup',
};
