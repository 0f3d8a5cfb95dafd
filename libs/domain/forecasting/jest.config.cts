module.exports = {
  displayName: 'domain-forecasting',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/forecasting',
};
