import { describe, expect, it } from 'vitest';
import {
  cleanRstInline,
  dedupe,
  htmlParagraphs,
  infoParagraphs,
  isProse,
  joinLines,
  normalizeUnicode,
  rstParagraphs,
} from '../scripts/lib/prose.js';

const VOCAB = new Set(
  (
    'the a an is are of to in and for with by this that it can be on as or from which we use used using ' +
    'model models data fit fitted method methods estimator estimators random forest forests tree trees each ' +
    'trained sample samples training set sets mean average prediction predictions improves accuracy controls ' +
    'over fitting number clusters cluster algorithm returns array labels integer given function class ' +
    'computation computational note see also following example parameters parameter shows how learn learns ' +
    'cross validation score scores neural network networks deep layer layers hidden weights called'
  ).split(' '),
);
const isWord = (w: string) => VOCAB.has(w);

describe('reStructuredText prose', () => {
  const rst = [
    '.. _forest:',
    '',
    '=============',
    'Random forests',
    '=============',
    '',
    'A random forest is a meta estimator that fits a number of decision',
    'trees on samples of the data and uses averaging to improve the accuracy.',
    '',
    '.. code-block:: python',
    '',
    '    from sklearn.ensemble import RandomForestClassifier',
    '    clf = RandomForestClassifier(n_estimators=10)',
    '',
    'Each tree is trained on a sample of the training set, as shown here::',
    '',
    '    >>> clf.fit(X, y)',
    '    RandomForestClassifier()',
    '',
    '.. function:: fit(X, y, sample_weight=None)',
    '',
    '   Build a forest of trees from the training set.',
    '',
    ':param X: The training input samples.',
    '',
    '.. note::',
    '   :class: important',
    '',
    '   The :class:`~sklearn.ensemble.RandomForestClassifier` controls over fitting by averaging.',
    '',
    '+-------+-------+',
    '| a     | b     |',
    '+-------+-------+',
    '',
    '=====  =====',
    'col    col2',
    '=====  =====',
    'x      y',
    '=====  =====',
    '',
    '- The mean of the :math:`\\sigma` values is used, see `the guide <https://example.org/guide>`_.',
    '',
    '>>> import numpy as np',
    '>>> np.mean([1, 2])',
  ].join('\n');
  const paras = rstParagraphs(rst, isWord);

  it('keeps prose paragraphs, joined into one line each, with the literal-block colon kept', () => {
    expect(paras).toContain(
      'A random forest is a meta estimator that fits a number of decision trees on samples of the data and uses averaging to improve the accuracy.',
    );
    expect(paras).toContain('Each tree is trained on a sample of the training set, as shown here:');
  });

  it('keeps the body of admonitions without their options, with roles reduced to their text', () => {
    expect(paras).toContain('The RandomForestClassifier controls over fitting by averaging.');
  });

  it('drops code blocks, literal blocks, doctests, signatures, field lists, tables, titles and targets', () => {
    const all = paras.join('\n');
    for (const gone of [
      'import',
      'n_estimators',
      'clf.fit',
      'sample_weight',
      'Build a forest',
      'training input samples',
      'col2',
      '| a',
      'Random forests\n',
      '_forest',
      'np.mean',
    ]) {
      expect(all).not.toContain(gone);
    }
    expect(paras.some((p) => p === 'Random forests')).toBe(false);
  });

  it('replaces inline math by a placeholder word and keeps link text without the URL', () => {
    expect(paras).toContain('The mean of the x values is used, see the guide.');
  });

  it('cleans inline markup', () => {
    expect(
      cleanRstInline('Use ``fit`` and :func:`numpy.mean`, **not** *this* [1]_ |br| `here <http://a.b>`__.'),
    ).toBe('Use fit and mean, not this here.');
    expect(cleanRstInline(':meth:`x.fit(X, y) <fit>` fixed by :user:`Jane Doe <jdoe>`.')).toBe('x fixed by.');
    expect(cleanRstInline('See :ref:`the user guide <forest>` and :py:class:`~a.Forest`.')).toBe(
      'See the user guide and Forest.',
    );
  });
});

describe('HTML prose', () => {
  const html = `<!DOCTYPE html><html><head><title>Trees</title><script>var x = 1;</script></head>
<body><div class="related"><a href="index.html">index</a></div>
<h1>Decision trees<a class="headerlink" href="#t">\u00b6</a></h1>
<p>A decision tree learns simple decision rules from the data.
Deeper trees &amp; more complex rules fit the data better.</p>
<div class="highlight"><pre><span class="n">clf</span> = tree.DecisionTreeClassifier()</pre></div>
<dl class="py function"><dt class="sig">sklearn.tree.plot_tree(<em>decision_tree</em>)</dt>
<dd><p>Plot a decision tree using <code class="docutils">matplotlib</code>; the mean is <span class="math notranslate">\\(\\mu\\)</span>.</p></dd></dl>
<table><tr><td>Cell text in a table is not prose</td></tr></table>
<ul><li>Trees are simple to understand, see https://example.org/trees for more.</li></ul>
</body></html>`;
  const paras = htmlParagraphs(html, isWord);

  it('keeps paragraphs and list items, decoding entities and joining lines', () => {
    expect(paras).toContain(
      'A decision tree learns simple decision rules from the data. Deeper trees & more complex rules fit the data better.',
    );
    expect(paras).toContain('Trees are simple to understand, see for more.');
  });

  it('keeps docstring prose but drops signatures, code, tables, headings and scripts', () => {
    expect(paras).toContain('Plot a decision tree using matplotlib; the mean is x.');
    const all = paras.join('\n');
    for (const gone of ['plot_tree', 'DecisionTreeClassifier', 'Cell text', 'Decision trees', 'var x']) {
      expect(all).not.toContain(gone);
    }
  });
});

describe('Info prose', () => {
  it('drops node headers, menus, examples and definitions', () => {
    const info = [
      '\u001f',
      'File: R-intro.info,  Node: Vectors,  Next: Lists,  Up: Top',
      '',
      '2.1 Vectors',
      '===========',
      '',
      'R operates on named data structures.  The simplest such structure is the',
      'numeric vector, see *note Lists::.',
      '',
      '     > x <- c(10.4, 5.6)',
      '',
      ' -- Function: mean (x)',
      '',
      '* Menu:',
      '',
      '* Lists::   Lists of things.',
    ].join('\n');
    expect(infoParagraphs(info, isWord)).toEqual([
      'R operates on named data structures. The simplest such structure is the numeric vector, see Lists.',
    ]);
  });
});

describe('text normalisation and filtering', () => {
  it('normalises Unicode: ligatures, quotes, dashes, soft hyphens', () => {
    expect(normalizeUnicode('e\ufb03cient \u201cbest\u201d\u2014fit it\u2019s co\u00adef')).toBe(
      'efficient "best" - fit it\'s coef',
    );
  });

  it('re-joins a word hyphenated across a line break only when the joined word is known', () => {
    expect(joinLines(['the computa-', 'tional cost'], (w) => w === 'computational')).toBe(
      'the computational cost',
    );
    expect(joinLines(['a well-', 'known result'], () => false)).toBe('a well-known result');
  });

  it('accepts English sentences and rejects code, keyword lists and other languages', () => {
    expect(isProse('The model is fitted on each sample of the training set.', isWord)).toBe(true);
    expect(isProse('clf = RandomForestClassifier(n_estimators=10, max_depth=None)', isWord)).toBe(false);
    expect(isProse('fit predict score transform fit_transform get_params set_params', isWord)).toBe(false);
    expect(isProse('Das Modell wird auf jeder Stichprobe des Trainings angepasst.', isWord)).toBe(false);
    expect(isProse('Too short to count.', isWord)).toBe(false);
  });

  it('deduplicates paragraphs by their letters across calls', () => {
    const seen = new Set<string>();
    expect(dedupe(['A random forest.', 'A  Random forest', 'Another one.'], seen)).toEqual([
      'A random forest.',
      'Another one.',
    ]);
    expect(dedupe(['another ONE'], seen)).toEqual([]);
  });
});
