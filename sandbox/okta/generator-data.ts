/** Name and attribute pools for the generated contact-center org. Some names carry accents and apostrophes on purpose. */

export const FIRST_NAMES = [
  'Aaliyah', 'Aaron', 'Abigail', 'Adrian', 'Aisha', 'Alejandro', 'Alice', 'Amara', 'Andrea', 'Anika', 'Arjun', 'Ava',
  'Beatriz', 'Benjamin', 'Bianca', 'Brandon', 'Camila', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Deepa', 'Diego', 'Dmitri',
  'Elena', 'Elijah', 'Emily', 'Emma', 'Ethan', 'Fatima', 'François', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hiroshi',
  'Imani', 'Isabel', 'Jamal', 'James', 'Javier', 'Jia', 'José', 'Julia', 'Kai', 'Keisha', 'Kenji', 'Laura', 'Layla',
  'Liam', 'Lucas', 'Luis', 'Maria', 'Marcus', 'Mei', 'Mia', 'Miguel', 'Mohammed', 'Nadia', 'Noah', 'Nora', 'Olivia',
  'Omar', 'Priya', 'Rafael', 'Rahul', 'Renée', 'Samuel', 'Sara', 'Sofia', 'Tariq', 'Thomas', 'Valentina', 'Wei',
  'William', 'Yasmin', 'Yusuf', 'Zoë', 'Zoe', 'Ingrid',
] as const;

export const LAST_NAMES = [
  'Adeyemi', 'Ahmed', 'Alvarez', 'Andersen', 'Bailey', 'Becker', 'Brown', 'Castillo', 'Chen', 'Chowdhury', 'Clark',
  'Cruz', 'Davis', 'Diaz', 'Dubois', 'Evans', 'Fernández', 'Fischer', 'Garcia', 'Gonzalez', 'Gupta', 'Hall', 'Harris',
  'Hernandez', 'Hoang', 'Ivanova', 'Jackson', 'Johnson', 'Kim', 'Kowalski', 'Kumar', 'Lee', 'Lopez', 'Martin',
  'Martinez', "McAllister", 'Mensah', 'Miller', 'Moore', 'Morales', 'Müller', 'Nakamura', 'Nguyen', "O'Brien",
  "O'Connor", 'Okafor', 'Olsen', 'Patel', 'Perez', 'Petrov', 'Quinn', 'Ramirez', 'Reyes', 'Rivera', 'Robinson',
  'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Sato', 'Taylor', 'Thompson', 'Tran', 'Walker', 'Wang',
  'White', 'Williams', 'Wilson', 'Wright', 'Yamamoto', 'Young', 'Zhang', 'da Silva', 'Van der Berg',
] as const;

export const CONTACT_CENTER_DEPARTMENTS = ['Customer Care', 'Billing Support', 'Sales', 'Retention', 'Technical Support'] as const;
export const OTHER_DEPARTMENTS = ['Engineering', 'Finance', 'Human Resources', 'Marketing'] as const;

export const AGENT_TITLES = ['Customer Service Agent', 'Senior Agent', 'Agent I', 'Agent II', 'Sales Representative', 'Retention Specialist'] as const;
export const SUPERVISOR_TITLES = ['Supervisor', 'Team Lead', 'Operations Supervisor'] as const;
export const OTHER_TITLES = ['Software Engineer', 'Accountant', 'HR Business Partner', 'Marketing Manager', 'Data Analyst'] as const;

export const TIMEZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix',
  'Europe/London', 'Europe/Dublin', 'Asia/Manila', 'America/Bogota',
] as const;

export const CITIES = ['Tampa', 'Dallas', 'Phoenix', 'Manila', 'Belfast', 'Columbus', 'Bogotá'] as const;

/** The ASCII, lower-case form Okta logins use here: accents dropped, punctuation and spaces removed. */
export function loginPart(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}
