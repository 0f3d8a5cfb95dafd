module.exports = {
  displayName: 'domain-request-usage',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/request-usage',
};
