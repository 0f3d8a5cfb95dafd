module.exports = {
  displayName: 'util-core',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/util/core',
};
