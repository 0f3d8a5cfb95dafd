module.exports = {
  displayName: 'server-ingest',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/ingest',
};
