// KafkaJS admin APIs against a kappa broker: describeCluster, alterConfigs/describeConfigs,
// deleteTopicRecords (DeleteRecords), listGroups, fetchOffsets, resetOffsets (OffsetCommit
// from outside the group), deleteGroups. KafkaJS picks min(its max, the broker's max) of each
// API. Usage: node kafkajs_admin_test.js host:port. Exits non-zero on failure.
const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs');

function check(cond, what) {
  if (!cond) throw new Error(what);
}

async function main() {
  const broker = process.argv[2];
  const kafka = new Kafka({ clientId: 'kappa-admin-test', brokers: [broker], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();

  const cluster = await admin.describeCluster();
  check(cluster.brokers.length === 1 && cluster.clusterId, 'describeCluster: ' + JSON.stringify(cluster));

  await admin.createTopics({
    topics: [{ topic: 'jsadm', numPartitions: 2,
               configEntries: [{ name: 'delete.retention.ms', value: '1000' }] }],
  });
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: 'jsadm',
                  configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
  });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: 'jsadm' }],
  });
  const entries = described.resources[0].configEntries;
  const value = (n) => (entries.find((e) => e.configName === n) || {}).configValue;
  check(value('retention.ms') === '3600000', 'retention.ms after alterConfigs: ' + value('retention.ms'));
  // AlterConfigs replaces the topic's set: delete.retention.ms went back to its default.
  check(value('delete.retention.ms') === '86400000', 'delete.retention.ms: ' + value('delete.retention.ms'));

  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < 10; i++) messages.push({ value: 'v' + i, partition: 0 });
  await producer.send({ topic: 'jsadm', messages });
  await producer.disconnect();

  await admin.deleteTopicRecords({ topic: 'jsadm', partitions: [{ partition: 0, offset: '4' }] });
  const offs = await admin.fetchTopicOffsets('jsadm');
  const p0 = offs.find((p) => p.partition === 0);
  check(p0.low === '4' && p0.high === '10', 'after deleteTopicRecords: ' + JSON.stringify(p0));

  // A group that only stores offsets (no members): resetOffsets commits from outside.
  await admin.setOffsets({ groupId: 'jsadm-g', topic: 'jsadm', partitions: [{ partition: 0, offset: '7' }] });
  let fetched = await admin.fetchOffsets({ groupId: 'jsadm-g', topics: ['jsadm'] });
  check(fetched[0].partitions.find((p) => p.partition === 0).offset === '7', 'setOffsets');
  await admin.resetOffsets({ groupId: 'jsadm-g', topic: 'jsadm', earliest: true });
  fetched = await admin.fetchOffsets({ groupId: 'jsadm-g', topics: ['jsadm'] });
  // KafkaJS commits the "earliest" sentinel (-2) for its consumers to resolve; Kafka stores it as is.
  check(fetched[0].partitions.find((p) => p.partition === 0).offset === '-2', 'resetOffsets earliest: ' + JSON.stringify(fetched));

  const groups = await admin.listGroups();
  check(groups.groups.some((g) => g.groupId === 'jsadm-g'), 'listGroups: ' + JSON.stringify(groups));
  const desc = await admin.describeGroups(['jsadm-g']);
  check(desc.groups[0].state === 'Empty', 'describeGroups: ' + JSON.stringify(desc));
  await admin.deleteGroups(['jsadm-g']);
  check(!(await admin.listGroups()).groups.some((g) => g.groupId === 'jsadm-g'), 'deleteGroups');

  await admin.disconnect();
  console.log('admin ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
