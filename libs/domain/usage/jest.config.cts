module.exports = {
  displayName: 'domain-usage',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/usage',
};
