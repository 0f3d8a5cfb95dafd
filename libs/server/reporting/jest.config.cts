module.exports = {
  displayName: 'server-reporting',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/reporting',
};
