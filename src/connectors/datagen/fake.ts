/**
 * Fake strings for datagen's string strategies (`word`, `email`, `city_name`, ...), made with
 * the faker library (English locale) in place of the Rust `fake` crate Feldera uses. The
 * strings are of the same kinds, not the same strings.
 *
 * Faker draws from a randomizer that reads the current record's random draws, so a fake
 * string, like every other generated value, depends only on the seed and the record.
 * `range` bounds counts as in Feldera: words of `words`/`sentence`, sentences of
 * `sentences`/`paragraph`, paragraphs of `paragraphs`, characters of `password`, all drawn
 * from `[start, end)`. The library is loaded only by pipelines that use these strategies.
 */
import type { Faker } from '@faker-js/faker';
import type { FakeStrings } from './fields.js';
import type { RecordRandom } from './random.js';
import type { Strategy } from './settings.js';

type Make = (f: Faker, min: number, max: number, random: RecordRandom) => string;

/** One entry of a list of the locale's definitions. */
function pick(list: unknown, random: RecordRandom): string {
  if (!Array.isArray(list) || list.length === 0) return '';
  return String(list[random.int(0, list.length - 1)]);
}

/** Counts in `[min, max)` as faker's inclusive `{min, max}`. */
const between = (min: number, max: number) => ({ min, max: max - 1 });

const MAKERS: Partial<Record<Strategy, Make>> = {
  word: (f) => f.lorem.word(),
  words: (f, min, max) => f.lorem.words(between(min, max)),
  sentence: (f, min, max) => f.lorem.sentence(between(min, max)),
  sentences: (f, min, max) => f.lorem.sentences(between(min, max), ' '),
  paragraph: (f, min, max) => f.lorem.paragraph(between(min, max)),
  paragraphs: (f, min, max) => f.lorem.paragraphs(between(min, max), ' '),
  first_name: (f) => f.person.firstName(),
  last_name: (f) => f.person.lastName(),
  title: (f) => f.person.prefix(),
  suffix: (f) => f.person.suffix(),
  name: (f) => f.person.fullName(),
  name_with_title: (f) => `${f.person.prefix()} ${f.person.fullName()}`,
  domain_suffix: (f) => f.internet.domainSuffix(),
  email: (f) => f.internet.exampleEmail(),
  username: (f) => f.internet.username(),
  password: (f, min, max, random) => f.internet.password({ length: random.int(min, max - 1) }),
  field: (f) => f.person.jobArea(),
  position: (f) => f.person.jobType(),
  seniority: (f) => f.person.jobDescriptor(),
  job_title: (f) => f.person.jobTitle(),
  ipv4: (f) => f.internet.ipv4(),
  ipv6: (f) => f.internet.ipv6(),
  ip: (f) => f.internet.ip(),
  mac_address: (f) => f.internet.mac(),
  user_agent: (f) => f.internet.userAgent(),
  rfc_status_code: (f) => String(f.internet.httpStatusCode()),
  valid_status_code: (f) => String(f.internet.httpStatusCode({ types: ['success', 'redirection'] })),
  company_suffix: (f, _min, _max, random) => pick(f.rawDefinitions.company?.legal_entity_type, random),
  company_name: (f) => f.company.name(),
  buzzword: (f) => f.company.buzzNoun(),
  buzzword_middle: (f) => f.company.catchPhraseDescriptor(),
  buzzword_tail: (f) => f.company.catchPhraseNoun(),
  catch_phrase: (f) => f.company.catchPhrase(),
  bs_verb: (f) => f.company.buzzVerb(),
  bs_adj: (f) => f.company.buzzAdjective(),
  bs_noun: (f) => f.company.buzzNoun(),
  bs: (f) => f.company.buzzPhrase(),
  profession: (f) => f.person.jobTitle(),
  industry: (f) => f.commerce.department(),
  currency_code: (f) => f.finance.currencyCode(),
  currency_name: (f) => f.finance.currencyName(),
  currency_symbol: (f) => f.finance.currencySymbol(),
  credit_card_number: (f) => f.finance.creditCardNumber(),
  city_prefix: (f, _min, _max, random) => pick(f.rawDefinitions.location?.city_prefix, random),
  city_suffix: (f, _min, _max, random) => pick(f.rawDefinitions.location?.city_suffix, random),
  city_name: (f) => f.location.city(),
  country_name: (f) => f.location.country(),
  country_code: (f) => f.location.countryCode(),
  street_suffix: (f, _min, _max, random) => pick(f.rawDefinitions.location?.street_suffix, random),
  street_name: (f) => f.location.street(),
  time_zone: (f) => f.location.timeZone(),
  state_name: (f) => f.location.state(),
  state_abbr: (f) => f.location.state({ abbreviated: true }),
  secondary_address_type: (f) => f.location.secondaryAddress().split(' ')[0] ?? '',
  secondary_address: (f) => f.location.secondaryAddress(),
  zip_code: (f) => f.location.zipCode(),
  post_code: (f) => f.location.zipCode(),
  building_number: (f) => f.location.buildingNumber(),
  latitude: (f) => String(f.location.latitude()),
  longitude: (f) => String(f.location.longitude()),
  isbn: (f) => f.commerce.isbn(),
  isbn13: (f) => f.commerce.isbn(13),
  isbn10: (f) => f.commerce.isbn(10),
  phone_number: (f) => f.phone.number(),
  cell_number: (f) => f.phone.number({ style: 'national' }),
  file_path: (f) => f.system.filePath(),
  file_name: (f) => f.system.fileName(),
  file_extension: (f) => f.system.fileExt(),
  dir_path: (f) => f.system.directoryPath(),
};

/** Loads faker and returns the maker of fake strings. */
export async function loadFakeStrings(): Promise<FakeStrings> {
  const { Faker, en, base } = await import('@faker-js/faker');
  let current: RecordRandom | null = null;
  const faker = new Faker({
    locale: [en, base],
    randomizer: {
      next: () => {
        if (!current) throw new Error('fake string drawn outside a record');
        return current.float();
      },
      seed: () => undefined,
    },
  });
  return (strategy, min, max, random) => {
    const make = MAKERS[strategy];
    if (!make) throw new Error(`no fake strings for strategy '${strategy}'`);
    current = random;
    try {
      return make(faker, min, max, random);
    } finally {
      current = null;
    }
  };
}
