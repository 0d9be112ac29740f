// KafkaJS over SSL with SASL SCRAM-SHA-256/512 against a kappa broker's SASL_SSL listener:
// produce, consume in a group, and a wrong password giving KafkaJS's own SASL error.
// Usage: node kafkajs_ssl_scram_test.js host:port CA_FILE USER PASSWORD MECHANISM
// (MECHANISM: scram-sha-256 or scram-sha-512). Exits non-zero on failure.
const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, caFile, username, password, mechanism] = process.argv.slice(2);
  const ssl = { ca: [fs.readFileSync(caFile, 'utf-8')], servername: 'localhost' };
  const kafka = new Kafka({ clientId: 'kappa-ssl-scram', brokers: [broker], ssl,
                            sasl: { mechanism, username, password }, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const N = 300;
  for (let i = 0; i < N; i += 100) {
    const messages = [];
    for (let j = i; j < i + 100; j++) messages.push({ value: 'm' + j });
    await producer.send({ topic: 'js-tls', messages, acks: -1 });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'js-tls-' + mechanism });
  await consumer.connect();
  await consumer.subscribe({ topic: 'js-tls', fromBeginning: true });
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
  await consumer.disconnect();

  // A wrong password: KafkaJS's SASL authentication error, not a hang or a crash.
  const bad = new Kafka({ clientId: 'kappa-ssl-scram-bad', brokers: [broker], ssl,
                          sasl: { mechanism, username, password: password + 'x' },
                          retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const badProducer = bad.producer();
  let failed = null;
  try {
    await badProducer.connect();
  } catch (e) {
    failed = e;
  }
  if (!failed) throw new Error('a wrong password connected');
  if (!/SASL|authentication/i.test(failed.name + ' ' + failed.message)) {
    throw new Error('unexpected error for a wrong password: ' + failed.name + ': ' + failed.message);
  }
  console.log('ok ' + seen.size + ' ' + failed.name);
}

main().catch((e) => { console.error(e); process.exit(1); });
