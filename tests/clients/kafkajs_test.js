// KafkaJS (pure JS, its own protocol code) against a kappa broker: admin, producer and a
// consumer group. Usage: node kafkajs_test.js host:port. Exits non-zero on failure.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

async function main() {
  const broker = process.argv[2];
  const kafka = new Kafka({ clientId: 'kappa-test', brokers: [broker], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'js', numPartitions: 3 }], waitForLeaders: true });
  const topics = await admin.listTopics();
  if (!topics.includes('js')) throw new Error('created topic not listed: ' + topics);
  await admin.createTopics({ topics: [{ topic: 'js-tmp', numPartitions: 1 }] });
  await admin.deleteTopics({ topics: ['js-tmp'] });
  if ((await admin.listTopics()).includes('js-tmp')) throw new Error('deleted topic listed');

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const N = 2000;
  for (let i = 0; i < N; i += 100) {
    const messages = [];
    for (let j = i; j < i + 100; j++) messages.push({ key: String(j % 10), value: 'v' + j });
    await producer.send({ topic: 'js', messages, acks: -1,
                          compression: i % 200 ? CompressionTypes.GZIP : CompressionTypes.None });
  }
  await producer.disconnect();

  const offsets = await admin.fetchTopicOffsets('js');
  const total = offsets.reduce((s, p) => s + Number(p.high), 0);
  if (total !== N) throw new Error('high watermarks sum to ' + total);

  const consumer = kafka.consumer({ groupId: 'jsgroup' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'js', fromBeginning: true });
  const seen = new Set();
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('consumed only ' + seen.size)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.add(message.value.toString());
        if (seen.size === N) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();  // commits on the way out
  const groupOffsets = await admin.fetchOffsets({ groupId: 'jsgroup', topics: ['js'] });
  const committed = groupOffsets[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
  if (committed !== N) throw new Error('committed offsets sum to ' + committed);
  const groups = await admin.listGroups();
  if (!groups.groups.some((g) => g.groupId === 'jsgroup')) throw new Error('group not listed');
  await admin.disconnect();
  console.log('ok ' + seen.size);
}

main().catch((e) => { console.error(e); process.exit(1); });
