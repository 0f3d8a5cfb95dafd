module.exports = {
  displayName: 'domain-identity',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/identity',
};
