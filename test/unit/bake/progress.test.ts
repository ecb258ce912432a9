import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BuildProgress, parseMachineReadable } from '../../../src/bake/progress.js';

test('machine-readable lines: fields split on commas, escaped commas and newlines restored', () => {
  assert.equal(parseMachineReadable('1700000000,qemu.etcd,ui,say,==> qemu.etcd: a%!(PACKER_COMMA) b\\nc'), {
    time: 1700000000,
    target: 'qemu.etcd',
    type: 'ui',
    data: ['say', '==> qemu.etcd: a, b\nc'],
  });
  assert.is(parseMachineReadable('not a packer line'), undefined);
});

const stream = [
  '100,,ui,say,==> qemu.etcd: Retrieving ISO',
  '130,,ui,say,==> qemu.etcd: Starting VM%!(PACKER_COMMA) booting disk image',
  '200,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell1',
  '201,,ui,say,==> qemu.etcd: Uploading /w/packer/scripts/ => /var/tmp/pgha-build',
  '202,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell2',
  '250,,ui,message,    qemu.etcd: installed: etcd-server etcd-client',
  '260,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell3',
  '262,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell4',
  '263,,ui,message,    qemu.etcd: apt noise that is not shown',
  '264,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell5',
  '266,,ui,say,==> qemu.etcd: Provisioning with shell script: /tmp/packer-shell6',
  '269,,ui,message,    qemu.etcd: hygiene check passed (etcd%!(PACKER_COMMA) 2 packages)',
  '270,,ui,say,==> qemu.etcd: Gracefully halting virtual machine...',
  '270,,ui,error,==> qemu.etcd: Running timer as unit: run-x.timer',
  '290,,ui,say,==> qemu.etcd: Converting hard drive...',
  '330,,ui,say,==> qemu.etcd: Running post-processor: manifest',
  '331,,ui,error,something failed',
];

test('progress: Packer\'s steps and pgha\'s own script lines are shown with elapsed time; other output is not', () => {
  const shown: string[] = [];
  const p = new BuildProgress((l) => shown.push(l));
  for (const l of stream) p.feed(l);
  assert.ok(shown.includes('00:00 Retrieving ISO'), shown.join('\n'));
  assert.ok(shown.includes('02:30   installed: etcd-server etcd-client'));
  assert.ok(shown.includes('02:49   hygiene check passed (etcd, 2 packages)'));
  assert.ok(shown.includes('03:51 ERROR something failed'));
  assert.ok(shown.includes('02:50   Running timer as unit: run-x.timer'), 'a remote command\'s stderr is not shown as an error');
  assert.not.ok(shown.some((l) => l.includes('apt noise')));
  assert.ok(p.tail.includes('qemu.etcd: apt noise that is not shown'), 'the tail keeps everything for error reports');
});

test('progress: phase timings from the step markers', () => {
  const p = new BuildProgress(() => {});
  for (const l of stream) p.feed(l);
  assert.equal(p.timings(), { boot: 102, install: 58, configure: 4, seal: 2, hygiene: 4, shutdown: 20, convert: 40, 'post-process': 1, total: 231 });
});

test.run();
