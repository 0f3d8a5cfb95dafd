module.exports = {
  displayName: 'domain-pricing',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/pricing',
};
