-- PostgreSQL database dump

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'WIN1252';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.auth_group (
    id integer NOT NULL,
    name character varying(150) NOT NULL
);

CREATE SEQUENCE public.auth_group_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.auth_group_id_seq OWNED BY public.auth_group.id;

CREATE TABLE public.auth_group_permissions (
    id integer NOT NULL,
    group_id integer NOT NULL,
    permission_id integer NOT NULL
);

CREATE SEQUENCE public.auth_group_permissions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.auth_group_permissions_id_seq OWNED BY public.auth_group_permissions.id;

CREATE TABLE public.auth_permission (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    content_type_id integer NOT NULL,
    codename character varying(100) NOT NULL
);

CREATE SEQUENCE public.auth_permission_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.auth_permission_id_seq OWNED BY public.auth_permission.id;

CREATE TABLE public.customers (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(20) NOT NULL,
    company character varying(200) NOT NULL,
    customer_type character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    address text NOT NULL,
    city character varying(100) NOT NULL,
    state character varying(100) NOT NULL,
    postal_code character varying(20) NOT NULL,
    country character varying(100) NOT NULL,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.customers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;

CREATE TABLE public.deals (
    id integer NOT NULL,
    title character varying(200) NOT NULL,
    value numeric(14,2) NOT NULL,
    currency character varying(3) NOT NULL,
    stage character varying(30) NOT NULL,
    expected_close_date date,
    created_at timestamp with time zone NOT NULL,
    customer_id integer,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.deals_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.deals_id_seq OWNED BY public.deals.id;

CREATE TABLE public.django_content_type (
    id integer NOT NULL,
    app_label character varying(100) NOT NULL,
    model character varying(100) NOT NULL
);

CREATE SEQUENCE public.django_content_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.django_content_type_id_seq OWNED BY public.django_content_type.id;

CREATE TABLE public.django_migrations (
    id integer NOT NULL,
    app character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    applied timestamp with time zone NOT NULL
);

CREATE SEQUENCE public.django_migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.django_migrations_id_seq OWNED BY public.django_migrations.id;

CREATE TABLE public.employees (
    id integer NOT NULL,
    employee_code character varying(20) NOT NULL,
    department character varying(100) NOT NULL,
    job_title character varying(100) NOT NULL,
    hire_date date,
    salary numeric(12,2),
    status character varying(20) NOT NULL,
    emergency_contact_name character varying(100) NOT NULL,
    emergency_contact_phone character varying(20) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    first_name character varying(100) NOT NULL,
    last_name character varying(100) NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(20) NOT NULL,
    address text NOT NULL,
    city character varying(100) NOT NULL,
    state character varying(100) NOT NULL,
    postal_code character varying(20) NOT NULL,
    country character varying(100) NOT NULL,
    organization_id integer NOT NULL,
    user_id integer
);

CREATE SEQUENCE public.employees_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.employees_id_seq OWNED BY public.employees.id;

CREATE TABLE public.leads (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(20) NOT NULL,
    source character varying(50) NOT NULL,
    status character varying(20) NOT NULL,
    estimated_value numeric(14,2),
    created_at timestamp with time zone NOT NULL,
    address text NOT NULL,
    city character varying(100) NOT NULL,
    state character varying(100) NOT NULL,
    postal_code character varying(20) NOT NULL,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.leads_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.leads_id_seq OWNED BY public.leads.id;

CREATE TABLE public.orders (
    id integer NOT NULL,
    order_number character varying(30) NOT NULL,
    total_amount numeric(14,2) NOT NULL,
    currency character varying(3) NOT NULL,
    status character varying(20) NOT NULL,
    order_date date NOT NULL,
    customer_id integer,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.orders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.orders_id_seq OWNED BY public.orders.id;

CREATE TABLE public.organizations (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(20) NOT NULL,
    website character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    address text NOT NULL,
    city character varying(100) NOT NULL,
    state character varying(100) NOT NULL,
    postal_code character varying(20) NOT NULL,
    country character varying(100) NOT NULL
);

CREATE SEQUENCE public.organizations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.organizations_id_seq OWNED BY public.organizations.id;

CREATE TABLE public.payments (
    id integer NOT NULL,
    amount numeric(14,2) NOT NULL,
    currency character varying(3) NOT NULL,
    payment_method character varying(30) NOT NULL,
    payment_date date NOT NULL,
    status character varying(20) NOT NULL,
    order_id integer,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.payments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.payments_id_seq OWNED BY public.payments.id;

CREATE TABLE public.users (
    id integer NOT NULL,
    password character varying(128) NOT NULL,
    last_login timestamp with time zone,
    is_superuser boolean NOT NULL,
    username character varying(150) NOT NULL,
    first_name character varying(150) NOT NULL,
    last_name character varying(150) NOT NULL,
    email character varying(254) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamp with time zone NOT NULL,
    phone character varying(20) NOT NULL
);

CREATE TABLE public.users_groups (
    id integer NOT NULL,
    user_id integer NOT NULL,
    group_id integer NOT NULL
);

CREATE SEQUENCE public.users_groups_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_groups_id_seq OWNED BY public.users_groups.id;

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

CREATE TABLE public.users_user_permissions (
    id integer NOT NULL,
    user_id integer NOT NULL,
    permission_id integer NOT NULL
);

CREATE SEQUENCE public.users_user_permissions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_user_permissions_id_seq OWNED BY public.users_user_permissions.id;

CREATE TABLE public.vendors (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(20) NOT NULL,
    contact_person character varying(100) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    address text NOT NULL,
    city character varying(100) NOT NULL,
    state character varying(100) NOT NULL,
    zip_code character varying(20) NOT NULL,
    country character varying(100) NOT NULL,
    organization_id integer NOT NULL
);

CREATE SEQUENCE public.vendors_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.vendors_id_seq OWNED BY public.vendors.id;

ALTER TABLE ONLY public.auth_group ALTER COLUMN id SET DEFAULT nextval('public.auth_group_id_seq'::regclass);

ALTER TABLE ONLY public.auth_group_permissions ALTER COLUMN id SET DEFAULT nextval('public.auth_group_permissions_id_seq'::regclass);

ALTER TABLE ONLY public.auth_permission ALTER COLUMN id SET DEFAULT nextval('public.auth_permission_id_seq'::regclass);

ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);

ALTER TABLE ONLY public.deals ALTER COLUMN id SET DEFAULT nextval('public.deals_id_seq'::regclass);

ALTER TABLE ONLY public.django_content_type ALTER COLUMN id SET DEFAULT nextval('public.django_content_type_id_seq'::regclass);

ALTER TABLE ONLY public.django_migrations ALTER COLUMN id SET DEFAULT nextval('public.django_migrations_id_seq'::regclass);

ALTER TABLE ONLY public.employees ALTER COLUMN id SET DEFAULT nextval('public.employees_id_seq'::regclass);

ALTER TABLE ONLY public.leads ALTER COLUMN id SET DEFAULT nextval('public.leads_id_seq'::regclass);

ALTER TABLE ONLY public.orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq'::regclass);

ALTER TABLE ONLY public.organizations ALTER COLUMN id SET DEFAULT nextval('public.organizations_id_seq'::regclass);

ALTER TABLE ONLY public.payments ALTER COLUMN id SET DEFAULT nextval('public.payments_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.users_groups ALTER COLUMN id SET DEFAULT nextval('public.users_groups_id_seq'::regclass);

ALTER TABLE ONLY public.users_user_permissions ALTER COLUMN id SET DEFAULT nextval('public.users_user_permissions_id_seq'::regclass);

ALTER TABLE ONLY public.vendors ALTER COLUMN id SET DEFAULT nextval('public.vendors_id_seq'::regclass);

COPY public.auth_group (id, name) FROM stdin;
\.

COPY public.auth_group_permissions (id, group_id, permission_id) FROM stdin;
\.

COPY public.auth_permission (id, name, content_type_id, codename) FROM stdin;
1	Can add content type	1	add_contenttype
2	Can change content type	1	change_contenttype
\.

COPY public.customers (id, name, email, phone, company, customer_type, created_at, address, city, state, postal_code, country, organization_id) FROM stdin;
3	Kwame Kim	kwame.kim3@corp.example	+49 30 000073		business	2023-04-09 03:25:37+00	979 Avenida Paulista	Paris	IDF	75038	France	1
\.

COPY public.deals (id, title, value, currency, stage, expected_close_date, created_at, customer_id, organization_id) FROM stdin;
1	Deal 1	171804.42	INR	prospecting	2023-12-19	2024-09-28 01:27:32+00	175	3
2	Deal 2	26532.81	INR	lost	2025-05-26	2024-07-19 15:19:42+00	186	3
\.

COPY public.django_content_type (id, app_label, model) FROM stdin;
1	contenttypes	contenttype
2	auth	permission
\.

COPY public.django_migrations (id, app, name, applied) FROM stdin;
1	contenttypes	0001_initial	2026-11-24 02:50:45.671521+00
2	contenttypes	0002_remove_content_type_name	2026-11-24 02:50:45.676486+00
\.

COPY public.employees (id, employee_code, department, job_title, hire_date, salary, status, emergency_contact_name, emergency_contact_phone, created_at, first_name, last_name, email, phone, address, city, state, postal_code, country, organization_id, user_id) FROM stdin;
2	EMP-000002	Sales	Engineer	2023-07-11	77312.96	terminated		+1 212 555 0005	2023-04-24 16:19:19+00	Jean-Luc	O'Brien	jeanluc.obrien2@example.com	+49 30 000022		Paris				3	2
\.

COPY public.leads (id, name, email, phone, source, status, estimated_value, created_at, address, city, state, postal_code, organization_id) FROM stdin;
1	Wei D'Angelo	wei.dangelo1@mail.example.org	+1 212 555 0007	event	contacted	\N	2024-06-26 02:10:05+00	454 Avenida Paulista	Lagos	LA	10052	3
\.

COPY public.orders (id, order_number, total_amount, currency, status, order_date, customer_id, organization_id) FROM stdin;
1	ORD-0000001	40620.73	BRL	pending	2025-01-28	531	2
2	ORD-0000002	25325.62	BRL	pending	2023-11-18	176	2
\.

COPY public.organizations (id, name, email, phone, website, created_at, address, city, state, postal_code, country) FROM stdin;
3	Org 3 Smith & Co	info@org3.example	+44 20 7946 0056	https://org3.example	2024-04-04 00:16:56+00	639 Main St	Paris	IDF	75086	France
\.

COPY public.payments (id, amount, currency, payment_method, payment_date, status, order_id, organization_id) FROM stdin;
1	26390.51	BRL	cash	2024-05-01	completed	2	2
2	43921.00	USD	cash	2024-11-13	refunded	3	4
\.

COPY public.users (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, phone) FROM stdin;
2		\N	f	u2_jeanluc.obrien2	Jean-Luc	O'Brien	jeanluc.obrien2@example.com	f	t	2024-01-31 05:56:21+00	+49 30 000022
\.

COPY public.users_groups (id, user_id, group_id) FROM stdin;
\.

COPY public.users_user_permissions (id, user_id, permission_id) FROM stdin;
\.

COPY public.vendors (id, name, email, phone, contact_person, created_at, address, city, state, zip_code, country, organization_id) FROM stdin;
2	Priya Dubois	priya.dubois2@mail.example.org	(555) 0195	Priya Brown	2024-01-07 22:24:04+00	657 High Street	New York	NY	10020	USA	2
\.

SELECT pg_catalog.setval('public.auth_group_id_seq', 1, false);

SELECT pg_catalog.setval('public.auth_group_permissions_id_seq', 1, false);

SELECT pg_catalog.setval('public.auth_permission_id_seq', 48, true);

SELECT pg_catalog.setval('public.customers_id_seq', 600, true);

SELECT pg_catalog.setval('public.deals_id_seq', 600, true);

SELECT pg_catalog.setval('public.django_content_type_id_seq', 12, true);

SELECT pg_catalog.setval('public.django_migrations_id_seq', 15, true);

SELECT pg_catalog.setval('public.employees_id_seq', 200, true);

SELECT pg_catalog.setval('public.leads_id_seq', 400, true);

SELECT pg_catalog.setval('public.orders_id_seq', 400, true);

SELECT pg_catalog.setval('public.organizations_id_seq', 4, true);

SELECT pg_catalog.setval('public.payments_id_seq', 400, true);

SELECT pg_catalog.setval('public.users_groups_id_seq', 1, false);

SELECT pg_catalog.setval('public.users_id_seq', 161, true);

SELECT pg_catalog.setval('public.users_user_permissions_id_seq', 1, false);

SELECT pg_catalog.setval('public.vendors_id_seq', 100, true);

ALTER TABLE ONLY public.auth_group
    ADD CONSTRAINT auth_group_name_key UNIQUE (name);

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_group_id_permission_id_0cd325b0_uniq UNIQUE (group_id, permission_id);

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.auth_group
    ADD CONSTRAINT auth_group_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_content_type_id_codename_01ab375a_uniq UNIQUE (content_type_id, codename);

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.django_content_type
    ADD CONSTRAINT django_content_type_app_label_model_76bd3d3b_uniq UNIQUE (app_label, model);

ALTER TABLE ONLY public.django_content_type
    ADD CONSTRAINT django_content_type_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.django_migrations
    ADD CONSTRAINT django_migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT leads_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_order_number_key UNIQUE (order_number);

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users_groups
    ADD CONSTRAINT users_groups_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users_groups
    ADD CONSTRAINT users_groups_user_id_group_id_fc7788e8_uniq UNIQUE (user_id, group_id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users_user_permissions
    ADD CONSTRAINT users_user_permissions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users_user_permissions
    ADD CONSTRAINT users_user_permissions_user_id_permission_id_3b86cbdf_uniq UNIQUE (user_id, permission_id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_key UNIQUE (username);

ALTER TABLE ONLY public.vendors
    ADD CONSTRAINT vendors_pkey PRIMARY KEY (id);

CREATE INDEX auth_group_name_a6ea08ec_like ON public.auth_group USING btree (name varchar_pattern_ops);

CREATE INDEX auth_group_permissions_group_id_b120cbf9 ON public.auth_group_permissions USING btree (group_id);

CREATE INDEX auth_group_permissions_permission_id_84c5c92e ON public.auth_group_permissions USING btree (permission_id);

CREATE INDEX auth_permission_content_type_id_2f476e4b ON public.auth_permission USING btree (content_type_id);

CREATE INDEX customers_organization_id_7cb69820 ON public.customers USING btree (organization_id);

CREATE INDEX deals_customer_id_3d7d7d95 ON public.deals USING btree (customer_id);

CREATE INDEX deals_organization_id_3e04545f ON public.deals USING btree (organization_id);

CREATE INDEX employees_organization_id_824bbc8a ON public.employees USING btree (organization_id);

CREATE INDEX leads_organization_id_e4261fb8 ON public.leads USING btree (organization_id);

CREATE INDEX orders_customer_id_b7016332 ON public.orders USING btree (customer_id);

CREATE INDEX orders_order_number_fdca857f_like ON public.orders USING btree (order_number varchar_pattern_ops);

CREATE INDEX orders_organization_id_69f37dc2 ON public.orders USING btree (organization_id);

CREATE INDEX payments_order_id_6086ad70 ON public.payments USING btree (order_id);

CREATE INDEX payments_organization_id_17b8e419 ON public.payments USING btree (organization_id);

CREATE INDEX users_groups_group_id_2f3517aa ON public.users_groups USING btree (group_id);

CREATE INDEX users_groups_user_id_f500bee5 ON public.users_groups USING btree (user_id);

CREATE INDEX users_user_permissions_permission_id_6d08dcd2 ON public.users_user_permissions USING btree (permission_id);

CREATE INDEX users_user_permissions_user_id_92473840 ON public.users_user_permissions USING btree (user_id);

CREATE INDEX users_username_e8658fc8_like ON public.users USING btree (username varchar_pattern_ops);

CREATE INDEX vendors_organization_id_902344f1 ON public.vendors USING btree (organization_id);

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissio_permission_id_84c5c92e_fk_auth_perm FOREIGN KEY (permission_id) REFERENCES public.auth_permission(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_group_id_b120cbf9_fk_auth_group_id FOREIGN KEY (group_id) REFERENCES public.auth_group(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_content_type_id_2f476e4b_fk_django_co FOREIGN KEY (content_type_id) REFERENCES public.django_content_type(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_organization_id_7cb69820_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_customer_id_3d7d7d95_fk_customers_id FOREIGN KEY (customer_id) REFERENCES public.customers(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_organization_id_3e04545f_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_organization_id_824bbc8a_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_user_id_c7f7a3f4_fk_users_id FOREIGN KEY (user_id) REFERENCES public.users(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT leads_organization_id_e4261fb8_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_b7016332_fk_customers_id FOREIGN KEY (customer_id) REFERENCES public.customers(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_organization_id_69f37dc2_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_order_id_6086ad70_fk_orders_id FOREIGN KEY (order_id) REFERENCES public.orders(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_organization_id_17b8e419_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.users_groups
    ADD CONSTRAINT users_groups_group_id_2f3517aa_fk_auth_group_id FOREIGN KEY (group_id) REFERENCES public.auth_group(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.users_groups
    ADD CONSTRAINT users_groups_user_id_f500bee5_fk_users_id FOREIGN KEY (user_id) REFERENCES public.users(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.users_user_permissions
    ADD CONSTRAINT users_user_permissio_permission_id_6d08dcd2_fk_auth_perm FOREIGN KEY (permission_id) REFERENCES public.auth_permission(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.users_user_permissions
    ADD CONSTRAINT users_user_permissions_user_id_92473840_fk_users_id FOREIGN KEY (user_id) REFERENCES public.users(id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.vendors
    ADD CONSTRAINT vendors_organization_id_902344f1_fk_organizations_id FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;

-- PostgreSQL database dump complete

