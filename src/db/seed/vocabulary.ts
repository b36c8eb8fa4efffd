/** The words the synthetic company is made of: countries with real cities and names, and the catalogue. */

export interface CountryProfile {
  code: string;
  weight: number;
  /** City and a relative weight (roughly population). */
  cities: readonly (readonly [string, number])[];
  phonePrefix: string;
  medianIncome: number;
  female: readonly string[];
  male: readonly string[];
  last: readonly string[];
}

export const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'DE', weight: 26, phonePrefix: '+49', medianIncome: 45_000,
    cities: [['Berlin', 37], ['Hamburg', 18], ['Munich', 15], ['Cologne', 11], ['Frankfurt', 8], ['Stuttgart', 6], ['Leipzig', 6]],
    female: ['Anna', 'Lena', 'Julia', 'Laura', 'Sarah', 'Katharina', 'Sophie', 'Marie', 'Lea', 'Hannah', 'Petra', 'Sabine', 'Claudia', 'Jana'],
    male: ['Lukas', 'Jonas', 'Leon', 'Felix', 'Maximilian', 'Paul', 'Tobias', 'Jan', 'Stefan', 'Michael', 'Thomas', 'Andreas', 'Jürgen', 'Florian'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann'],
  },
  {
    code: 'FR', weight: 18, phonePrefix: '+33', medianIncome: 40_000,
    cities: [['Paris', 21], ['Marseille', 9], ['Lyon', 5], ['Toulouse', 5], ['Nice', 3], ['Nantes', 3], ['Bordeaux', 3]],
    female: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Emma', 'Julie', 'Claire', 'Nathalie', 'Isabelle', 'Élodie', 'Margaux'],
    male: ['Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Thomas', 'Nicolas', 'Julien', 'Antoine', 'Pierre', 'Mathieu', 'François', 'Théo'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia'],
  },
  {
    code: 'GB', weight: 20, phonePrefix: '+44', medianIncome: 42_000,
    cities: [['London', 90], ['Birmingham', 11], ['Manchester', 6], ['Leeds', 8], ['Glasgow', 6], ['Liverpool', 5], ['Bristol', 5], ['Edinburgh', 5]],
    female: ['Olivia', 'Amelia', 'Isla', 'Emily', 'Grace', 'Jessica', 'Sophie', 'Charlotte', 'Lucy', 'Hannah', 'Rachel', 'Emma', 'Ruby'],
    male: ['Oliver', 'George', 'Harry', 'Jack', 'Charlie', 'Thomas', 'James', 'William', 'Daniel', 'Samuel', 'Joshua', 'Matthew', 'Alfie'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Hughes'],
  },
  {
    code: 'US', weight: 18, phonePrefix: '+1', medianIncome: 55_000,
    cities: [['New York', 84], ['Los Angeles', 39], ['Chicago', 27], ['Houston', 23], ['Phoenix', 16], ['Philadelphia', 16], ['Seattle', 7], ['Boston', 7], ['Denver', 7]],
    female: ['Emma', 'Olivia', 'Ava', 'Isabella', 'Sophia', 'Mia', 'Abigail', 'Madison', 'Ashley', 'Jennifer', 'Jessica', 'Emily', 'Megan'],
    male: ['Liam', 'Noah', 'James', 'Benjamin', 'Elijah', 'Michael', 'Ethan', 'Daniel', 'Matthew', 'Christopher', 'Joshua', 'Andrew', 'Tyler'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Moore', 'Clark'],
  },
  {
    code: 'ES', weight: 10, phonePrefix: '+34', medianIncome: 30_000,
    cities: [['Madrid', 33], ['Barcelona', 16], ['Valencia', 8], ['Seville', 7], ['Zaragoza', 7], ['Málaga', 6], ['Bilbao', 3]],
    female: ['Lucía', 'María', 'Paula', 'Sofía', 'Martina', 'Carmen', 'Laura', 'Marta', 'Elena', 'Ana', 'Cristina', 'Julia', 'Alba'],
    male: ['Hugo', 'Martín', 'Lucas', 'Daniel', 'Pablo', 'Alejandro', 'Javier', 'David', 'Carlos', 'Sergio', 'Manuel', 'José', 'Adrián'],
    last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno'],
  },
  {
    code: 'IT', weight: 5, phonePrefix: '+39', medianIncome: 32_000,
    cities: [['Rome', 28], ['Milan', 14], ['Naples', 9], ['Turin', 9], ['Bologna', 4], ['Florence', 4]],
    female: ['Giulia', 'Sofia', 'Aurora', 'Alice', 'Chiara', 'Francesca', 'Martina', 'Elena', 'Valentina', 'Sara', 'Federica'],
    male: ['Leonardo', 'Francesco', 'Alessandro', 'Lorenzo', 'Matteo', 'Andrea', 'Marco', 'Luca', 'Giuseppe', 'Davide', 'Simone'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti'],
  },
  {
    code: 'NL', weight: 3, phonePrefix: '+31', medianIncome: 47_000,
    cities: [['Amsterdam', 9], ['Rotterdam', 6], ['The Hague', 5], ['Utrecht', 4], ['Eindhoven', 2]],
    female: ['Emma', 'Julia', 'Mila', 'Tess', 'Sophie', 'Anna', 'Sanne', 'Lotte', 'Fleur', 'Eva', 'Iris'],
    male: ['Noah', 'Daan', 'Sem', 'Lucas', 'Levi', 'Finn', 'Bram', 'Thijs', 'Ruben', 'Jeroen', 'Sander'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
  },
];

/** Reserved example domains (RFC 2606): synthetic addresses never reach a real mailbox. */
export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'post.example.net'] as const;

export interface ProductType {
  name: string;
  /** Typical price of a standard-tier item, in currency units. */
  price: number;
  /** Largest quantity one usually buys at once (consumables more than durables). */
  maxQuantity: number;
  /** Kinds combined with the category's brands into product names. */
  kinds: readonly string[];
  tags: readonly string[];
}

export interface CategoryProfile {
  name: string;
  skuPrefix: string;
  /** Relative share of baskets whose first item comes from this category. */
  popularity: number;
  /** Four brands from budget to premium tier. */
  brands: readonly [string, string, string, string];
  types: readonly ProductType[];
}

const t = (name: string, price: number, maxQuantity: number, kinds: readonly string[], tags: readonly string[] = []): ProductType => ({ name, price, maxQuantity, kinds, tags });

export const CATEGORIES: readonly CategoryProfile[] = [
  {
    name: 'pantry', skuPrefix: 'PAN', popularity: 20, brands: ['Everyday', 'Casa Rossa', 'Nonna Lina', 'Terra Bio'],
    types: [
      t('pasta', 1.6, 4, ['Spaghetti 500 g', 'Penne Rigate 500 g'], ['italian']),
      t('pasta sauce', 2.4, 3, ['Tomato & Basil Sauce', 'Arrabbiata Sauce'], ['italian']),
      t('rice', 2.2, 3, ['Basmati Rice 1 kg', 'Arborio Rice 1 kg']),
      t('olive oil', 7.5, 2, ['Extra Virgin Olive Oil 750 ml', 'Mild Olive Oil 1 l'], ['italian']),
      t('breakfast cereal', 3.4, 2, ['Crunchy Muesli', 'Oat Flakes']),
      t('canned tomatoes', 1.2, 6, ['Chopped Tomatoes 400 g', 'Passata 700 g'], ['italian']),
    ],
  },
  {
    name: 'beverages', skuPrefix: 'BEV', popularity: 16, brands: ['Fresh Spring', 'Morning Cup', 'Kaffeehaus', 'Grand Cru'],
    types: [
      t('coffee beans', 9.5, 2, ['Espresso Beans 1 kg', 'Filter Roast 500 g']),
      t('tea', 3.5, 3, ['Green Tea 20 bags', 'Breakfast Tea 40 bags']),
      t('orange juice', 2.3, 4, ['Orange Juice 1 l', 'Orange Juice with Pulp 1 l']),
      t('red wine', 9.0, 6, ['Rioja Crianza', 'Côtes du Rhône'], ['alcohol']),
      t('beer', 1.5, 12, ['Pilsner 0.5 l', 'Pale Ale 0.33 l'], ['alcohol']),
      t('sparkling water', 0.9, 12, ['Sparkling Water 1.5 l', 'Lemon Sparkling Water 1 l']),
    ],
  },
  {
    name: 'fresh-food', skuPrefix: 'FRS', popularity: 15, brands: ['Market Day', 'Green Valley', 'Alpine Dairy', 'Maison Fine'],
    types: [
      t('cheese', 4.2, 3, ['Aged Gouda 200 g', 'Parmigiano 150 g']),
      t('bread', 2.6, 2, ['Sourdough Loaf', 'Whole Grain Loaf']),
      t('fruit box', 6.5, 2, ['Seasonal Fruit Box', 'Citrus Box']),
      t('salad', 2.0, 3, ['Mixed Salad 200 g', 'Rocket 125 g'], ['vegan']),
      t('yogurt', 1.3, 6, ['Greek Yogurt 500 g', 'Natural Yogurt 500 g']),
    ],
  },
  {
    name: 'household', skuPrefix: 'HOU', popularity: 9, brands: ['CleanPlus', 'Sparkle', 'Homely', 'EcoNest'],
    types: [
      t('laundry detergent', 8.5, 2, ['Laundry Liquid 2 l', 'Laundry Powder 3 kg']),
      t('dish soap', 2.2, 3, ['Dish Soap Lemon 500 ml', 'Dish Soap Sensitive 500 ml']),
      t('paper towels', 3.8, 3, ['Paper Towels 4 rolls', 'Kitchen Roll 8 rolls']),
      t('trash bags', 3.0, 3, ['Trash Bags 35 l', 'Trash Bags 60 l']),
      t('sponges', 2.5, 3, ['Scrub Sponges 6 pack', 'Microfibre Cloths 5 pack']),
    ],
  },
  {
    name: 'personal-care', skuPrefix: 'PER', popularity: 9, brands: ['Basics', 'Fresh Day', 'Nordic Care', 'Lumière'],
    types: [
      t('shampoo', 4.5, 2, ['Shampoo Repair 300 ml', 'Shampoo Volume 300 ml']),
      t('conditioner', 4.8, 2, ['Conditioner Repair 250 ml', 'Conditioner Volume 250 ml']),
      t('toothpaste', 2.8, 3, ['Toothpaste Whitening', 'Toothpaste Sensitive']),
      t('toothbrush', 3.5, 2, ['Toothbrush Medium 2 pack', 'Toothbrush Soft 2 pack']),
      t('razor', 11.0, 1, ['Razor 5 Blades', 'Razor Sensitive']),
      t('shaving foam', 3.2, 2, ['Shaving Foam 250 ml', 'Shaving Gel 200 ml']),
    ],
  },
  {
    name: 'baby', skuPrefix: 'BAB', popularity: 5, brands: ['LittleOnes', 'Softie', 'Bébé Doux', 'Pure Baby'],
    types: [
      t('diapers', 12.0, 3, ['Diapers Size 3', 'Diapers Size 4']),
      t('baby wipes', 2.5, 4, ['Baby Wipes 64 pack', 'Sensitive Wipes 56 pack']),
      t('baby food', 1.4, 8, ['Apple & Pear Puree', 'Vegetable Risotto Jar']),
      t('baby lotion', 5.0, 2, ['Baby Lotion 200 ml', 'Baby Oil 200 ml']),
    ],
  },
  {
    name: 'pet', skuPrefix: 'PET', popularity: 6, brands: ['PetPal', 'HappyPaws', 'Wild Trail', 'Royal Feast'],
    types: [
      t('dog food', 18.0, 2, ['Dry Dog Food 4 kg', 'Puppy Food 3 kg']),
      t('dog treats', 4.0, 3, ['Dog Chews 10 pack', 'Training Treats 200 g']),
      t('cat food', 9.0, 3, ['Wet Cat Food 12 pack', 'Dry Cat Food 2 kg']),
      t('cat litter', 7.0, 2, ['Clumping Litter 10 l', 'Silica Litter 5 l']),
      t('pet toy', 6.0, 2, ['Rope Toy', 'Feather Wand']),
    ],
  },
  {
    name: 'electronics', skuPrefix: 'ELE', popularity: 5, brands: ['Voltix', 'Soundwave', 'Nordtek', 'Aurum'],
    types: [
      t('phone charger', 19.0, 1, ['USB-C Charger 20 W', 'Fast Charger 65 W']),
      t('usb cable', 9.0, 2, ['USB-C Cable 1 m', 'USB-C Cable 2 m']),
      t('headphones', 79.0, 1, ['Wireless Earbuds', 'Over-Ear Headphones'], ['gift']),
      t('bluetooth speaker', 59.0, 1, ['Portable Speaker', 'Waterproof Speaker'], ['gift']),
      t('power bank', 29.0, 1, ['Power Bank 10000 mAh', 'Power Bank 20000 mAh']),
      t('smartwatch', 199.0, 1, ['Fitness Watch', 'Smartwatch GPS'], ['gift']),
    ],
  },
  {
    name: 'home-kitchen', skuPrefix: 'HOM', popularity: 5, brands: ['HomeBasics', 'Küchenwerk', 'Casa Nova', 'Le Chef'],
    types: [
      t('coffee maker', 69.0, 1, ['Filter Coffee Maker', 'Espresso Machine']),
      t('frying pan', 29.0, 1, ['Non-Stick Pan 28 cm', 'Cast Iron Skillet 26 cm']),
      t('knife set', 49.0, 1, ['Knife Set 5 pieces', "Chef's Knife 20 cm"], ['gift']),
      t('mug', 7.5, 4, ['Ceramic Mug', 'Travel Mug']),
      t('blender', 59.0, 1, ['Smoothie Blender', 'Hand Blender']),
    ],
  },
  {
    name: 'fashion', skuPrefix: 'FAS', popularity: 5, brands: ['Basic Line', 'Urban Thread', 'Nordic Wool', 'Maison Blanc'],
    types: [
      t('t-shirt', 15.0, 3, ['Cotton T-Shirt', 'Organic T-Shirt']),
      t('jeans', 49.0, 1, ['Slim Jeans', 'Straight Jeans']),
      t('socks', 8.0, 3, ['Socks 3 pack', 'Sport Socks 5 pack']),
      t('jacket', 99.0, 1, ['Rain Jacket', 'Down Jacket'], ['winter']),
      t('sneakers', 79.0, 1, ['Canvas Sneakers', 'Leather Sneakers']),
    ],
  },
  {
    name: 'sports-outdoor', skuPrefix: 'SPO', popularity: 3, brands: ['ActiveFit', 'TrailMark', 'Peak Pro', 'Summit Elite'],
    types: [
      t('yoga mat', 25.0, 1, ['Yoga Mat 4 mm', 'Yoga Mat 6 mm']),
      t('running shoes', 89.0, 1, ['Road Running Shoes', 'Trail Running Shoes']),
      t('water bottle', 12.0, 2, ['Steel Bottle 750 ml', 'Sports Bottle 1 l']),
      t('tent', 149.0, 1, ['Tent 2 Person', 'Tent 4 Person'], ['summer']),
      t('sleeping bag', 69.0, 1, ['Sleeping Bag 3 Season', 'Sleeping Bag Summer'], ['summer']),
    ],
  },
  {
    name: 'books-media', skuPrefix: 'BOO', popularity: 2, brands: ['Paperback House', 'Blue Owl', 'Meridian', 'Folio Classics'],
    types: [
      t('novel', 12.0, 2, ['Crime Novel', 'Historical Novel'], ['gift']),
      t('cookbook', 24.0, 1, ['Italian Cookbook', 'Vegetarian Cookbook'], ['gift']),
      t('board game', 35.0, 1, ['Strategy Board Game', 'Family Board Game'], ['gift']),
      t('puzzle', 16.0, 1, ['Puzzle 1000 pieces', 'Puzzle 500 pieces'], ['gift']),
    ],
  },
];

/**
 * Types bought together far more often than chance (the association rules and recommendations should
 * find them): [category, type, category, type, probability that the second joins a basket with the first].
 */
export const STRONG_PAIRS: readonly (readonly [string, string, string, string, number])[] = [
  ['pantry', 'pasta', 'pantry', 'pasta sauce', 0.65],
  ['personal-care', 'shampoo', 'personal-care', 'conditioner', 0.55],
  ['personal-care', 'razor', 'personal-care', 'shaving foam', 0.6],
  ['personal-care', 'toothpaste', 'personal-care', 'toothbrush', 0.35],
  ['electronics', 'phone charger', 'electronics', 'usb cable', 0.6],
  ['pet', 'dog food', 'pet', 'dog treats', 0.5],
  ['baby', 'diapers', 'baby', 'baby wipes', 0.6],
  ['home-kitchen', 'coffee maker', 'beverages', 'coffee beans', 0.7],
  ['sports-outdoor', 'tent', 'sports-outdoor', 'sleeping bag', 0.55],
  ['beverages', 'red wine', 'fresh-food', 'cheese', 0.45],
];

/** Categories that share baskets (either direction). */
export const CATEGORY_AFFINITY: readonly (readonly [string, string])[] = [
  ['pantry', 'beverages'], ['pantry', 'fresh-food'], ['beverages', 'fresh-food'], ['household', 'personal-care'],
  ['baby', 'personal-care'], ['baby', 'household'], ['pet', 'household'], ['electronics', 'books-media'],
  ['home-kitchen', 'pantry'], ['fashion', 'sports-outdoor'], ['sports-outdoor', 'beverages'],
];

export const PRODUCT_TAGS = ['bestseller', 'new', 'eco', 'organic', 'vegan', 'limited'] as const;

export const FEEDBACK_COMMENTS: Readonly<Record<string, readonly string[]>> = {
  DELIVERY: ['The parcel arrived a week late.', 'Delivery was missed twice, nobody called.', 'Box arrived damaged.', 'Tracking never updated.'],
  QUALITY: ['It broke after a few days.', 'Not the quality I expected for the price.', 'The item was faulty out of the box.'],
  PRICE: ['Found it cheaper elsewhere.', 'Prices went up again.', 'Shipping costs are too high.'],
  SERVICE: ['Waited 40 minutes on the phone.', 'Support never answered my email.', 'The staff were unfriendly.'],
  PRODUCT: ['Not as described on the website.', 'Wrong size was sent.', 'Missing parts in the box.'],
  BILLING: ['I was charged twice.', 'The refund took over a month.', 'Invoice shows the wrong amount.'],
  OTHER: ['The app keeps logging me out.', 'Hard to find the return form.'],
  GOOD: ['Great service, thank you!', 'Fast delivery and well packed.', 'Exactly what I needed.', 'Always happy with my orders.', 'Good value for money.'],
};
