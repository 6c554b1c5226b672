/**
 * The step-through of the HTML report, as plain browser JavaScript inlined in the page (no modules, no
 * network). It reads the report's data from `#report-data`, and on Forward/Back (buttons, ←/→, Home/End)
 * shows the current record, every client's row after it, and marks the record in the diagram and timeline.
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var records = data.records;
  var position = 0;
  var diagramItems = Array.prototype.slice.call(document.querySelectorAll('svg.sequence .item'));
  var timelineRows = Array.prototype.slice.call(document.querySelectorAll('#timeline li'));
  var columns = ['client', 'documentId', 'state', 'waitingFor', 'keyHeld', 'keyHint', 'pendingCall', 'lastEvent'];

  function rowsAt(index) {
    var rows = data.frames.initial.slice();
    for (var at = 0; at <= index && at < data.frames.changes.length; at++) {
      data.frames.changes[at].forEach(function (change) { rows[change[0]] = change[1]; });
    }
    return rows;
  }

  function cell(row, text) {
    var element = document.createElement('td');
    element.textContent = text;
    row.appendChild(element);
  }

  function showStates(record) {
    var body = document.querySelector('#client-states tbody');
    body.textContent = '';
    rowsAt(position).forEach(function (snapshot) {
      var row = document.createElement('tr');
      row.setAttribute('data-client', snapshot.client);
      row.className = 'state-' + snapshot.state.replace(/[^a-z-]/g, '-') + (record && record.actor === snapshot.client ? ' acting' : '');
      columns.forEach(function (column) { cell(row, snapshot[column]); });
      body.appendChild(row);
    });
  }

  function mark(elements, attribute, current) {
    var marked = null;
    elements.forEach(function (element) {
      var index = Number(element.getAttribute(attribute));
      element.classList.toggle('current', index === current);
      element.classList.toggle('future', index > current);
      if (index === current && marked === null) marked = element;
    });
    return marked;
  }

  function show() {
    var record = records[position];
    document.getElementById('position').textContent = records.length === 0
      ? 'no records'
      : 'record ' + (position + 1) + ' of ' + records.length + ' · step ' + record.step + ' · ' + record.time;
    document.getElementById('current-actor').textContent = record ? record.actor : '';
    document.getElementById('current-event').textContent = record ? record.text : '';
    document.getElementById('current-record').classList.toggle('violating', position === data.violationIndex);
    document.getElementById('back').disabled = position <= 0;
    document.getElementById('forward').disabled = position >= records.length - 1;
    showStates(record);
    var item = mark(diagramItems, 'data-record', position);
    var line = mark(timelineRows, 'data-record', position);
    if (item) scrollWithin(document.querySelector('.diagram-scroll'), item, 60);
    if (line) scrollWithin(document.getElementById('timeline'), line, 0);
  }

  // Brings an element into view inside its scrolling box only, so that the page itself never jumps.
  function scrollWithin(box, element, topReserved) {
    var outer = box.getBoundingClientRect();
    var inner = element.getBoundingClientRect();
    if (inner.top < outer.top + topReserved || inner.bottom > outer.bottom) {
      box.scrollTop += inner.top - outer.top - topReserved - (outer.height - topReserved) / 3;
    }
    if (inner.left < outer.left || inner.right > outer.right) box.scrollLeft += inner.left - outer.left - 20;
  }

  function go(index) {
    position = Math.max(0, Math.min(records.length - 1, index));
    show();
  }

  document.getElementById('back').addEventListener('click', function () { go(position - 1); });
  document.getElementById('forward').addEventListener('click', function () { go(position + 1); });
  document.getElementById('start').addEventListener('click', function () { go(0); });
  document.getElementById('to-violation').addEventListener('click', function () { go(data.violationIndex >= 0 ? data.violationIndex : records.length - 1); });
  timelineRows.forEach(function (row) {
    row.addEventListener('click', function () { go(Number(row.getAttribute('data-record'))); });
  });
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var moves = { ArrowRight: position + 1, ArrowLeft: position - 1, Home: 0, End: records.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    go(moves[event.key]);
  });
  show();
})();
`;
