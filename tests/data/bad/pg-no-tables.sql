--
-- PostgreSQL database dump
--

\restrict Ya7J1DGVLwargCnaQRjWZWc9srUaBCW0w6xzidEhKGQgYv2p5rIcsf7N9FrRPy4

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE FUNCTION public.touch() RETURNS integer
    LANGUAGE sql
    AS $$ SELECT 1 $$;

